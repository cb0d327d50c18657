// SSDLite with a MobileDet backbone at 320×320, as the ssdlite_mobiledet_{cpu,edgetpu,
// dsp,gpu}_320x320_coco_sync_4x4 configs (tensorflow/models, research/object_detection/
// samples/configs) define it:
//
//   image [B, 3, 320, 320] in [-1, 1]  (TF preprocess: 2/255·pixel − 1)
//     → MobileDet backbone (backbones.h) → C4, C5
//     → SSD extra layers (feature_extractor.h) → six maps 20², 10², 5², 3², 2², 1²
//     → SSDLite box predictor (box_predictor.h), anchors per location [3, 6, 6, 6, 6, 6]
//     → box_encodings [B, 2034, 4], class_logits [B, 2034, 91]
//
// 91 class slots: num_classes 90 (COCO ids) plus background at slot 0 (the configs keep
// add_background_class at its default, true; encode_background_as_zeros only changes the
// training targets). Anchors, decoding and NMS run on the host (postprocess.h).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/graph.h"
#include "models/mobiledet/anchors.h"

namespace eb::mobiledet {

enum class Variant : std::uint8_t { cpu, edgetpu, dsp, gpu };
inline constexpr std::array<Variant, 4> kVariants{Variant::cpu, Variant::edgetpu, Variant::dsp, Variant::gpu};
std::string_view variant_name(Variant v);  // "cpu", "edgetpu", "dsp", "gpu"

inline constexpr std::int64_t kImageSize = 320;
inline constexpr int kNumClasses = 90;
inline constexpr int kNumClassSlots = kNumClasses + 1;

// Graph tensor names.
inline constexpr std::string_view kImageInput = "image";
inline constexpr std::string_view kBoxEncodings = "box_encodings";
inline constexpr std::string_view kClassLogits = "class_logits";

// The anchor generator of the configs (ssd_anchor_generator section).
SsdAnchorConfig ssdlite_anchor_config();

// The whole detector for `batch` images; throws std::invalid_argument when batch < 1.
Graph build_ssdlite(Variant variant, int batch = 1);

// The anchors of a built detector, from its feature-map sizes and input size.
std::vector<Box> ssdlite_anchors(const Graph& graph);

}  // namespace eb::mobiledet
