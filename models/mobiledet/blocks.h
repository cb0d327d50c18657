// The four MobileDet building blocks, as `ssd_mobiledet_feature_extractor.py`
// (tensorflow/models, research/object_detection/models) defines them:
//
//   inverted bottleneck (IBN)     1x1 expand (BN, act) → kxk depthwise (BN, act) → [SE] →
//                                 1x1 project (BN, linear) → [+ input]
//   fused IBN                     kxk full conv expand (BN, act) → [SE] → 1x1 project → [+ input]
//   IBN without expansion         kxk depthwise (BN, act) → [SE] → 1x1 project; never residual
//   Tucker convolution            1x1 to input rank (BN, act) → kxk full conv to output rank
//                                 (BN, act) → 1x1 project (BN, linear) → [+ input]
//
// The expanded width is input channels × expansion; SE's hidden width and the Tucker ranks
// go through scale_filters (round half up to a multiple of 8, at least 8). All backbone
// convolutions use batch norm with ε = 0.01 (the backbone's slim arg_scope) and no bias.
#pragma once

#include <cstdint>
#include <string>

#include "models/mobiledet/net_builder.h"

namespace eb::mobiledet {

// The backbone's batch-norm epsilon (SSDMobileDetFeatureExtractorBase.extract_features).
inline constexpr float kBackboneBnEps = 0.01f;

// _scale_filters: round filters·multiplier half up to a multiple of `base`, at least `base`.
std::int64_t scale_filters(std::int64_t filters, double multiplier, std::int64_t base = 8);

struct BottleneckSpec {
  std::int64_t filters = 0;
  int kernel = 3;
  int expansion = 8;
  int stride = 1;
  bool use_se = false;
  bool residual = true;
  Activation act = Activation::relu6;
};

struct TuckerSpec {
  std::int64_t filters = 0;
  int kernel = 3;
  double input_rank_ratio = 0.25;
  double output_rank_ratio = 0.25;
  int stride = 1;
  bool residual = true;
  Activation act = Activation::relu6;
};

// Each returns the block's output tensor; `name` prefixes every node and weight.
std::string inverted_bottleneck(NetBuilder& net, const std::string& x, const std::string& name, const BottleneckSpec& s);
std::string fused_inverted_bottleneck(NetBuilder& net, const std::string& x, const std::string& name,
                                      const BottleneckSpec& s);
// Uses filters, kernel, stride, use_se and act of the spec (no expansion, no residual).
std::string inverted_bottleneck_no_expansion(NetBuilder& net, const std::string& x, const std::string& name,
                                             const BottleneckSpec& s);
std::string tucker_conv(NetBuilder& net, const std::string& x, const std::string& name, const TuckerSpec& s);

}  // namespace eb::mobiledet
