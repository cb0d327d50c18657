// The SSD feature extractor on top of a MobileDet backbone: six feature maps for the box
// predictor, from `SSDMobileDetFeatureExtractorBase.extract_features`
// (ssd_mobiledet_feature_extractor.py) and `multi_resolution_feature_maps`
// (research/object_detection/models/feature_map_generators.py):
//
//   layout  from_layer  ['C4', 'C5', '', '', '', '']
//           layer_depth [-1,   -1,   512, 256, 256, 128]
//   each '' layer (insert_1x1_conv, use_depthwise: true in the configs):
//     1x1 conv to depth/2 → 3x3 depthwise stride 2 → 1x1 conv to depth,
//     every conv with batch norm (ε 0.001) and ReLU6 (the configs' feature_extractor
//     conv_hyperparams), "SAME" padding; depths go through max(depth, min_depth = 16).
//
// At 320×320 the maps are 20×20, 10×10, 5×5, 3×3, 2×2 and 1×1.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/mobiledet/backbones.h"

namespace eb::mobiledet {

// The SSD head's batch-norm epsilon (conv_hyperparams.batch_norm.epsilon in the configs).
inline constexpr float kHeadBnEps = 0.001f;

// How the four extra layers convolve: SSDLite's depthwise-separable 3x3 (use_depthwise:
// true, the MobileDet configs), or a full 3x3 convolution (use_depthwise: false, the
// ssd_mobilenet_v1/v2 COCO configs: 1x1 to depth/2 → 3x3 stride 2 conv to depth).
enum class ExtraLayerConv : std::uint8_t { depthwise_separable, full };

// Returns the six feature-map tensors, finest first.
std::vector<std::string> ssd_feature_maps(NetBuilder& net, const BackboneEndpoints& endpoints,
                                          ExtraLayerConv conv = ExtraLayerConv::depthwise_separable);

}  // namespace eb::mobiledet
