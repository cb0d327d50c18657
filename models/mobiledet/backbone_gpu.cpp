// MobileDet-GPU: almost entirely fused inverted bottlenecks (full 3x3 convolutions run
// well on GPUs), Tucker convolutions at stride 2–4, one regular inverted bottleneck at the
// end; ReLU6, no squeeze-and-excite. Source: mobiledet_gpu_backbone in
// research/object_detection/models/ssd_mobiledet_feature_extractor.py (added after the
// other three; the TF code numbers its groups "block 0" to "block 7").
#include "models/mobiledet/backbones.h"

namespace eb::mobiledet {

BackboneEndpoints mobiledet_gpu_backbone(NetBuilder& net, const std::string& image) {
  BlockStack s(net, image, "backbone");

  s.conv(32, 3, 2, Activation::relu6);  // block 0
  s.tucker({.filters = 16, .residual = false});  // block 1, C1 (ranks 0.25 / 0.25)
  s.fused({.filters = 32, .expansion = 8, .stride = 2, .residual = false});  // block 2
  s.tucker({.filters = 32});
  s.tucker({.filters = 32});
  s.tucker({.filters = 32});  // C2
  s.fused({.filters = 64, .expansion = 8, .stride = 2, .residual = false});  // block 3
  s.fused({.filters = 64, .expansion = 8});
  s.fused({.filters = 64, .expansion = 8});
  s.fused({.filters = 64, .expansion = 4});  // C3
  s.fused({.filters = 128, .expansion = 8, .stride = 2, .residual = false});  // block 4
  s.fused({.filters = 128, .expansion = 4});
  s.fused({.filters = 128, .expansion = 4});
  s.fused({.filters = 128, .expansion = 4});
  s.fused({.filters = 128, .expansion = 8, .residual = false});  // block 5
  s.fused({.filters = 128, .expansion = 8});
  s.fused({.filters = 128, .expansion = 8});
  s.fused({.filters = 128, .expansion = 8});
  const std::string c4 = s.out();
  s.fused({.filters = 128, .expansion = 4, .stride = 2, .residual = false});  // block 6
  s.fused({.filters = 128, .expansion = 4});
  s.fused({.filters = 128, .expansion = 4});
  s.fused({.filters = 128, .expansion = 4});
  s.ibn({.filters = 384, .expansion = 8, .residual = false});  // block 7
  return {c4, s.out()};
}

}  // namespace eb::mobiledet
