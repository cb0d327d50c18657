#include "models/mobilenet/backbone.h"

#include <array>

namespace eb::mobilenet {
namespace {

using mobiledet::ConvSpec;
using mobiledet::NetBuilder;

ConvSpec conv_bn_relu6(std::int64_t filters, int kernel, int stride) {
  return {.filters = filters, .kernel = kernel, .stride = stride, .act = Activation::relu6, .bn_eps = kBnEps};
}

ConvSpec depthwise_bn_relu6(int stride) {
  return {.kernel = 3, .stride = stride, .depthwise = true, .act = Activation::relu6, .bn_eps = kBnEps};
}

BackboneOutputs v1(NetBuilder& net, const std::string& image) {
  struct Separable {
    std::int64_t filters;
    int stride;
  };
  constexpr std::array<Separable, 13> kDefs{{{64, 1}, {128, 2}, {128, 1}, {256, 2}, {256, 1}, {512, 2}, {512, 1},
                                             {512, 1}, {512, 1}, {512, 1}, {512, 1}, {1024, 2}, {1024, 1}}};
  BackboneOutputs out;
  std::string h = net.conv(image, "Conv2d_0", conv_bn_relu6(32, 3, 2));
  for (std::size_t i = 0; i < kDefs.size(); ++i) {
    const std::string name = "Conv2d_" + std::to_string(i + 1);
    h = net.conv(h, name + "_depthwise", depthwise_bn_relu6(kDefs[i].stride));
    h = net.conv(h, name + "_pointwise", conv_bn_relu6(kDefs[i].filters, 1, 1));
    if (i + 1 == 11) out.stride16 = h;
  }
  out.last = h;
  return out;
}

BackboneOutputs v2(NetBuilder& net, const std::string& image) {
  struct Stage {
    int expansion;
    std::int64_t filters;
    int repeats;
    int stride;
  };
  constexpr std::array<Stage, 7> kStages{{{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2},
                                          {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}}};
  BackboneOutputs out;
  std::string h = net.conv(image, "layer_1", conv_bn_relu6(32, 3, 2));
  int layer = 2;
  for (const Stage& st : kStages)
    for (int r = 0; r < st.repeats; ++r, ++layer) {
      const std::string name = "layer_" + std::to_string(layer);
      const int stride = r == 0 ? st.stride : 1;
      const bool residual = stride == 1 && net.channels(h) == st.filters;
      std::string b = h;
      if (st.expansion > 1) {
        b = net.conv(b, name + ".expand", conv_bn_relu6(net.channels(h) * st.expansion, 1, 1));
        if (layer == 15) out.stride16 = b;  // "layer_15/expansion_output"
      }
      b = net.conv(b, name + ".depthwise", depthwise_bn_relu6(stride));
      // The linear bottleneck; on a residual branch it starts small (mobiledet/blocks.cpp,
      // projection_gain) so that the residual stream stays bounded through the stack.
      b = net.conv(b, name + ".project", {.filters = st.filters, .bn_eps = kBnEps, .gain = residual ? 0.25 : 1.0});
      h = residual ? net.add(b, h, name + ".add") : b;
    }
  out.last = net.conv(h, "layer_" + std::to_string(layer), conv_bn_relu6(1280, 1, 1));
  return out;
}

}  // namespace

BackboneOutputs mobilenet_backbone(NetBuilder& net, const std::string& image, Version version) {
  return version == Version::v1 ? v1(net, image) : v2(net, image);
}

}  // namespace eb::mobilenet
