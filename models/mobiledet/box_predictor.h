// The SSDLite box predictor: TF's ConvolutionalBoxPredictor with use_depthwise: true,
// num_layers_before_predictor: 0 and kernel_size: 3 (box_predictor section of the
// ssdlite_mobiledet_*_320x320_coco configs; heads in research/object_detection/predictors/
// heads/box_head.py and class_head.py). For every feature map, not shared across maps:
//
//   box head    3x3 depthwise (BN ε 0.001, ReLU6) → 1x1 conv (bias) to A·4 box codes
//   class head  3x3 depthwise (BN ε 0.001, ReLU6) → 1x1 conv (bias) to A·num_class_slots
//
// where A is the number of anchors per location of that map. As TF does, each head output
// is laid out NHWC and flattened so that anchors run fastest, then x, then y, then map:
// NCHW → transpose [0,2,3,1] → reshape [B, H·W·A, code] → concat over maps (axis 1).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "models/mobiledet/anchors.h"
#include "models/mobiledet/net_builder.h"

namespace eb::mobiledet {

struct HeadOutputs {
  std::string box_encodings;  // [B, num_anchors, 4]: (ty, tx, th, tw) per anchor
  std::string class_logits;   // [B, num_anchors, num_class_slots]; slot 0 is background
};

// The initial class-logit bias (class_prediction_bias_init in the configs): sigmoid(-4.6)
// ≈ 0.01, the prior probability of an object that focal-loss training starts from.
inline constexpr double kClassPredictionBiasInit = -4.6;

HeadOutputs ssdlite_box_predictor(NetBuilder& net, std::span<const std::string> feature_maps,
                                  std::span<const int> anchors_per_location, int num_class_slots);

// The plain SSD ConvolutionalBoxPredictor of the ssd_mobilenet_v1/v2 COCO configs
// (kernel_size: 1, use_depthwise: false, num_layers_before_predictor: 0): per map, a 1x1
// conv (bias) to A·4 box codes and a 1x1 conv (bias) to A·num_class_slots logits, laid
// out and concatenated as above. The same node names, so feature_map_sizes works on both.
HeadOutputs ssd_box_predictor(NetBuilder& net, std::span<const std::string> feature_maps,
                              std::span<const int> anchors_per_location, int num_class_slots);

// Name of the box head's 1x1 conv for feature map `layer` ([B, A·4, H, W]).
std::string box_head_conv_name(int layer);
// The (H, W) of every feature map the head reads, recovered from a built graph.
std::vector<GridSize> feature_map_sizes(const Graph& graph);

}  // namespace eb::mobiledet
