// MobileNet v1 and v2 (width 1.0): the ImageNet classifiers at 224×224 and the SSD
// detectors at 300×300 of the TF Object Detection API, as Coral's benchmark table
// (coral.ai/docs/edgetpu/benchmarks) lists them.
//
//   mobilenet-v1       slim mobilenet_v1.py MOBILENETV1_CONV_DEFS: 3x3 conv s2 (32), then 13
//                      depthwise-separable blocks (64, 128 s2, 128, 256 s2, 256, 512 s2,
//                      5×512, 1024 s2, 1024), global average pool, 1x1 conv (bias) to 1001
//                      logits (slot 0 "background", as the quantised TF models have).
//                      Published: 569 M MACs, 4.2 M parameters (Howard et al. 2017, Table 8).
//   mobilenet-v2       slim mobilenet_v2.py V2_DEF: 3x3 conv s2 (32), inverted residuals
//                      (t, c, n, s) = (1,16,1,1) (6,24,2,2) (6,32,3,2) (6,64,4,2) (6,96,3,1)
//                      (6,160,3,2) (6,320,1,1), 1x1 conv 1280, pool, 1x1 conv (bias) to 1001.
//                      Published: 300 M MACs, 3.4 M parameters (Sandler et al. 2018, Table 4).
//   ssd-mobilenet-v1   ssd_mobilenet_v1_coco config: feature maps Conv2d_11_pointwise (19²)
//                      and Conv2d_13_pointwise (10²), four extra layers (1x1 to depth/2 → 3x3
//                      s2 full conv, depths 512, 256, 256, 128) → 5², 3², 2², 1²; box
//                      predictor kernel_size 1; anchors [3, 6, 6, 6, 6, 6] → 1917 boxes.
//   ssd-mobilenet-v2   ssd_mobilenet_v2_coco config: the same head on layer_15/expansion_output
//                      (576 ch, 19²) and layer_19 (1280 ch, 10²).
//
// All convolutions have batch norm with ε = 0.001 (the slim training scopes and the
// configs' conv_hyperparams) and ReLU6 except the linear bottleneck projections and the
// logits / predictor convolutions. Inputs are [B, 3, H, W] in [-1, 1]. The graphs end at
// the logits (classifiers) or at box codes and class logits (detectors): softmax, box
// decoding and NMS run on the host (models/mobiledet/postprocess.h).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/graph.h"
#include "models/workload.h"

namespace eb::mobilenet {

enum class Version : std::uint8_t { v1, v2 };

inline constexpr std::int64_t kClassifierImageSize = 224;
inline constexpr std::int64_t kDetectorImageSize = 300;
inline constexpr std::int64_t kImageNetClassSlots = 1001;
inline constexpr float kBnEps = 0.001f;
inline constexpr std::string_view kLogits = "logits";

// Throw std::invalid_argument when batch < 1.
Graph build_classifier(Version version, int batch = 1);
Graph build_ssd(Version version, int batch = 1);

// The workloads "mobilenet-v1", "mobilenet-v2", "ssd-mobilenet-v1", "ssd-mobilenet-v2".
std::vector<std::unique_ptr<Workload>> make_workloads();

}  // namespace eb::mobilenet
