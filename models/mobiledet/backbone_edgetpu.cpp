// MobileDet-EdgeTPU: Tucker and fused inverted bottlenecks in the high-resolution stages,
// regular inverted bottlenecks later; ReLU6, no squeeze-and-excite. Source:
// mobiledet_edgetpu_backbone in research/object_detection/models/ssd_mobiledet_feature_extractor.py.
#include "models/mobiledet/backbones.h"

namespace eb::mobiledet {

BackboneEndpoints mobiledet_edgetpu_backbone(NetBuilder& net, const std::string& image) {
  BlockStack s(net, image, "backbone");

  s.conv(32, 3, 2, Activation::relu6);
  s.tucker({.filters = 16, .input_rank_ratio = 0.25, .output_rank_ratio = 0.75, .residual = false});  // C1
  s.fused({.filters = 16, .expansion = 8, .stride = 2, .residual = false});
  s.fused({.filters = 16, .expansion = 4});
  s.fused({.filters = 16, .expansion = 8});
  s.fused({.filters = 16, .expansion = 4});  // C2
  s.fused({.filters = 40, .kernel = 5, .expansion = 8, .stride = 2, .residual = false});
  s.fused({.filters = 40, .expansion = 4});
  s.fused({.filters = 40, .expansion = 4});
  s.fused({.filters = 40, .expansion = 4});  // C3
  s.ibn({.filters = 72, .expansion = 8, .stride = 2, .residual = false});
  s.ibn({.filters = 72, .expansion = 8});
  s.fused({.filters = 72, .expansion = 4});
  s.fused({.filters = 72, .expansion = 4});
  s.ibn({.filters = 96, .kernel = 5, .expansion = 8, .residual = false});
  s.ibn({.filters = 96, .kernel = 5, .expansion = 8});
  s.ibn({.filters = 96, .expansion = 8});
  s.ibn({.filters = 96, .expansion = 8});
  const std::string c4 = s.out();
  s.ibn({.filters = 120, .kernel = 5, .expansion = 8, .stride = 2, .residual = false});
  s.ibn({.filters = 120, .expansion = 8});
  s.ibn({.filters = 120, .kernel = 5, .expansion = 4});
  s.ibn({.filters = 120, .expansion = 8});
  s.ibn({.filters = 384, .kernel = 5, .expansion = 8, .residual = false});
  return {c4, s.out()};
}

}  // namespace eb::mobiledet
