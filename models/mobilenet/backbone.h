// The MobileNet v1 and v2 feature extractors shared by the classifiers and the SSD
// detectors (mobilenet.h gives their definitions and sources).
#pragma once

#include <string>

#include "models/mobiledet/net_builder.h"
#include "models/mobilenet/mobilenet.h"

namespace eb::mobilenet {

struct BackboneOutputs {
  std::string stride16;  // the SSD head's first map: v1 Conv2d_11_pointwise, v2 layer_15/expansion_output
  std::string last;      // v1 Conv2d_13_pointwise (1024 ch), v2 layer_19 (1280 ch), output stride 32
};

BackboneOutputs mobilenet_backbone(mobiledet::NetBuilder& net, const std::string& image, Version version);

}  // namespace eb::mobilenet
