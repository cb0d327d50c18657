// MobileDet-DSP: a mix of fused and regular inverted bottlenecks with two Tucker
// convolutions; ReLU6, no squeeze-and-excite. Source: mobiledet_dsp_backbone in
// research/object_detection/models/ssd_mobiledet_feature_extractor.py.
#include "models/mobiledet/backbones.h"

namespace eb::mobiledet {

BackboneEndpoints mobiledet_dsp_backbone(NetBuilder& net, const std::string& image) {
  BlockStack s(net, image, "backbone");

  s.conv(32, 3, 2, Activation::relu6);
  s.ibn_no_expansion({.filters = 24});  // C1
  s.fused({.filters = 32, .expansion = 4, .stride = 2, .residual = false});
  s.fused({.filters = 32, .expansion = 4});
  s.ibn({.filters = 32, .expansion = 4});
  s.tucker({.filters = 32, .input_rank_ratio = 0.25, .output_rank_ratio = 0.75});  // C2
  s.fused({.filters = 64, .expansion = 8, .stride = 2, .residual = false});
  s.ibn({.filters = 64, .expansion = 4});
  s.fused({.filters = 64, .expansion = 4});
  s.fused({.filters = 64, .expansion = 4});  // C3
  s.fused({.filters = 120, .expansion = 8, .stride = 2, .residual = false});
  s.ibn({.filters = 120, .expansion = 4});
  s.ibn({.filters = 120, .expansion = 8});
  s.ibn({.filters = 120, .expansion = 8});
  s.fused({.filters = 144, .expansion = 8, .residual = false});
  s.ibn({.filters = 144, .expansion = 8});
  s.ibn({.filters = 144, .expansion = 8});
  s.ibn({.filters = 144, .expansion = 8});
  const std::string c4 = s.out();
  s.ibn({.filters = 160, .expansion = 4, .stride = 2, .residual = false});
  s.ibn({.filters = 160, .expansion = 4});
  s.fused({.filters = 160, .expansion = 4});
  s.tucker({.filters = 160, .input_rank_ratio = 0.75, .output_rank_ratio = 0.75});
  s.ibn({.filters = 240, .expansion = 8, .residual = false});
  return {c4, s.out()};
}

}  // namespace eb::mobiledet
