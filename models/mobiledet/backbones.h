// The four MobileDet backbones (CPU, EdgeTPU, DSP, GPU), block for block as the
// mobiledet_{cpu,edgetpu,dsp,gpu}_backbone functions of ssd_mobiledet_feature_extractor.py
// (tensorflow/models, research/object_detection/models) define them, at depth multiplier
// 1.0 (all four ssdlite_mobiledet_*_320x320_coco_sync_4x4.config files set it; every
// filter count in the backbones is a multiple of 8, so _scale_filters leaves them as is).
//
// The SSD head reads two endpoints: C4 (output stride 16, 20×20 at 320×320) and C5
// (output stride 32, 10×10).
#pragma once

#include <cstdint>
#include <string>

#include "models/mobiledet/blocks.h"

namespace eb::mobiledet {

struct BackboneEndpoints {
  std::string c4;
  std::string c5;
};

BackboneEndpoints mobiledet_cpu_backbone(NetBuilder& net, const std::string& image);
BackboneEndpoints mobiledet_edgetpu_backbone(NetBuilder& net, const std::string& image);
BackboneEndpoints mobiledet_dsp_backbone(NetBuilder& net, const std::string& image);
BackboneEndpoints mobiledet_gpu_backbone(NetBuilder& net, const std::string& image);

// A sequential stack of blocks with generated names ("<prefix>.<index>_<kind>"), so the
// backbone definitions read as the TF lists of blocks do.
class BlockStack {
 public:
  BlockStack(NetBuilder& net, std::string input, std::string prefix)
      : net_(net), h_(std::move(input)), prefix_(std::move(prefix)) {}

  // The stem: a full kxk convolution with batch norm (ε 0.01) and an activation.
  void conv(std::int64_t filters, int kernel, int stride, Activation act);
  void ibn(const BottleneckSpec& s) { h_ = inverted_bottleneck(net_, h_, next("ibn"), s); }
  void fused(const BottleneckSpec& s) { h_ = fused_inverted_bottleneck(net_, h_, next("fused"), s); }
  void ibn_no_expansion(const BottleneckSpec& s) { h_ = inverted_bottleneck_no_expansion(net_, h_, next("ibn_noexp"), s); }
  void tucker(const TuckerSpec& s) { h_ = tucker_conv(net_, h_, next("tucker"), s); }

  const std::string& out() const { return h_; }

 private:
  std::string next(const char* kind);

  NetBuilder& net_;
  std::string h_;
  std::string prefix_;
  int index_ = 0;
};

}  // namespace eb::mobiledet
