// MobileDet-CPU: inverted bottlenecks only, all with squeeze-and-excite, hard-swish
// ("_swish6" in TF: x·relu6(x+3)/6) everywhere. Source: mobiledet_cpu_backbone in
// research/object_detection/models/ssd_mobiledet_feature_extractor.py.
#include "models/mobiledet/backbones.h"

namespace eb::mobiledet {

BackboneEndpoints mobiledet_cpu_backbone(NetBuilder& net, const std::string& image) {
  constexpr Activation act = Activation::hardswish;
  BlockStack s(net, image, "backbone");
  auto ibn = [&](BottleneckSpec spec) {
    spec.use_se = true;
    spec.act = act;
    s.ibn(spec);
  };

  s.conv(16, 3, 2, act);
  s.ibn_no_expansion({.filters = 8, .use_se = true, .act = act});  // C1, stride 2
  ibn({.filters = 16, .expansion = 4, .stride = 2, .residual = false});  // C2, stride 4
  ibn({.filters = 32, .expansion = 8, .stride = 2, .residual = false});
  ibn({.filters = 32, .expansion = 4});
  ibn({.filters = 32, .expansion = 4});
  ibn({.filters = 32, .expansion = 4});  // C3, stride 8
  ibn({.filters = 72, .kernel = 5, .expansion = 8, .stride = 2, .residual = false});
  ibn({.filters = 72, .expansion = 8});
  ibn({.filters = 72, .kernel = 5, .expansion = 4});
  ibn({.filters = 72, .expansion = 4});
  ibn({.filters = 72, .expansion = 8, .residual = false});  // residual off in TF although shapes match
  ibn({.filters = 72, .expansion = 8});
  ibn({.filters = 72, .expansion = 8});
  ibn({.filters = 72, .expansion = 8});
  const std::string c4 = s.out();  // stride 16
  ibn({.filters = 104, .kernel = 5, .expansion = 8, .stride = 2, .residual = false});
  ibn({.filters = 104, .kernel = 5, .expansion = 4});
  ibn({.filters = 104, .kernel = 5, .expansion = 4});
  ibn({.filters = 104, .expansion = 4});
  ibn({.filters = 144, .expansion = 8, .residual = false});
  return {c4, s.out()};  // C5, stride 32
}

}  // namespace eb::mobiledet
