#include "models/mobiledet/feature_extractor.h"

#include <algorithm>
#include <array>

namespace eb::mobiledet {
namespace {

constexpr std::array<std::int64_t, 4> kExtraLayerDepths{512, 256, 256, 128};
constexpr std::int64_t kMinDepth = 16;  // feature_extractor.min_depth in the configs

std::int64_t depth_fn(std::int64_t depth) { return std::max(depth, kMinDepth); }

}  // namespace

std::vector<std::string> ssd_feature_maps(NetBuilder& net, const BackboneEndpoints& endpoints, ExtraLayerConv conv) {
  std::vector<std::string> maps{endpoints.c4, endpoints.c5};
  int index = 2;
  for (const std::int64_t depth : kExtraLayerDepths) {
    const std::string name = "extra." + std::to_string(index++);
    std::string h = net.conv(maps.back(), name + ".reduce",
                             {.filters = depth_fn(depth / 2), .act = Activation::relu6, .bn_eps = kHeadBnEps});
    if (conv == ExtraLayerConv::full) {
      h = net.conv(h, name + ".conv",
                   {.filters = depth_fn(depth), .kernel = 3, .stride = 2, .act = Activation::relu6, .bn_eps = kHeadBnEps});
    } else {
      h = net.conv(h, name + ".depthwise",
                   {.kernel = 3, .stride = 2, .depthwise = true, .act = Activation::relu6, .bn_eps = kHeadBnEps});
      h = net.conv(h, name + ".expand", {.filters = depth_fn(depth), .act = Activation::relu6, .bn_eps = kHeadBnEps});
    }
    maps.push_back(h);
  }
  return maps;
}

}  // namespace eb::mobiledet
