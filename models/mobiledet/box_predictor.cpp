#include "models/mobiledet/box_predictor.h"

#include <stdexcept>

#include "models/mobiledet/feature_extractor.h"  // kHeadBnEps

namespace eb::mobiledet {
namespace {

// [Depthwise 3x3 →] 1x1 prediction conv → NHWC → [B, H·W·A, code_size].
std::string predictor(NetBuilder& net, const std::string& x, const std::string& name, std::int64_t outputs,
                      std::int64_t code_size, double bias_init, bool depthwise) {
  std::string h = x;
  if (depthwise)
    h = net.conv(h, name + ".depthwise", {.kernel = 3, .depthwise = true, .act = Activation::relu6, .bn_eps = kHeadBnEps});
  // Linear (activation_fn=None in the heads), with a bias instead of batch norm.
  h = net.conv(h, name + ".conv", {.filters = outputs, .batch_norm = false, .bias = true, .bias_init = bias_init});
  auto& g = net.graph();
  const Shape& s = g.shape(h);
  h = g.add(OpKind::transpose, TransposeAttrs{{0, 2, 3, 1}}, {h}, name + ".nhwc");
  return g.add(OpKind::reshape, ReshapeAttrs{{s[0], -1, code_size}}, {h}, name + ".flat");
}

std::string concat(GraphBuilder& g, std::vector<std::string> parts, const std::string& name) {
  return g.add(OpKind::concat, ConcatAttrs{1}, std::move(parts), name);
}

HeadOutputs box_predictor(NetBuilder& net, std::span<const std::string> feature_maps,
                          std::span<const int> anchors_per_location, int num_class_slots, bool depthwise) {
  if (feature_maps.size() != anchors_per_location.size())
    throw std::logic_error("box predictor: " + std::to_string(feature_maps.size()) + " feature maps but anchors for " +
                           std::to_string(anchors_per_location.size()));
  std::vector<std::string> boxes, classes;
  for (std::size_t i = 0; i < feature_maps.size(); ++i) {
    const std::string name = "head." + std::to_string(i);
    const std::int64_t a = anchors_per_location[i];
    boxes.push_back(predictor(net, feature_maps[i], name + ".box", a * 4, 4, 0.0, depthwise));
    classes.push_back(predictor(net, feature_maps[i], name + ".class", a * num_class_slots, num_class_slots,
                                kClassPredictionBiasInit, depthwise));
  }
  auto& g = net.graph();
  return {concat(g, std::move(boxes), "box_encodings"), concat(g, std::move(classes), "class_logits")};
}

}  // namespace

std::string box_head_conv_name(int layer) { return "head." + std::to_string(layer) + ".box.conv"; }

HeadOutputs ssdlite_box_predictor(NetBuilder& net, std::span<const std::string> feature_maps,
                                  std::span<const int> anchors_per_location, int num_class_slots) {
  return box_predictor(net, feature_maps, anchors_per_location, num_class_slots, true);
}

HeadOutputs ssd_box_predictor(NetBuilder& net, std::span<const std::string> feature_maps,
                              std::span<const int> anchors_per_location, int num_class_slots) {
  return box_predictor(net, feature_maps, anchors_per_location, num_class_slots, false);
}

std::vector<GridSize> feature_map_sizes(const Graph& graph) {
  std::vector<GridSize> sizes;
  for (int i = 0; graph.has_tensor(box_head_conv_name(i)); ++i) {
    const Shape& s = graph.info(box_head_conv_name(i)).shape;
    sizes.push_back({s[2], s[3]});
  }
  if (sizes.empty()) throw std::invalid_argument("graph '" + graph.name + "' has no SSD box head");
  return sizes;
}

}  // namespace eb::mobiledet
