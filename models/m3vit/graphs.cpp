#include <stdexcept>
#include <string>

#include "models/m3vit/backbone.h"
#include "models/m3vit/head.h"
#include "models/m3vit/m3vit.h"

namespace eb::m3vit {
namespace {

std::string add_image(GraphBuilder& g, int batch) {
  if (batch < 1) throw std::invalid_argument("m3vit: batch must be at least 1, got " + std::to_string(batch));
  const Config& c = kConfig;
  return g.input(std::string(kImageInput), {batch, c.channels, c.image_h, c.image_w});
}

}  // namespace

Graph build_backbone(std::string_view task, int batch) {
  const Task& t = find_task(task);
  GraphBuilder g("m3vit_backbone_" + std::string(t.name));
  const auto image = add_image(g, batch);
  g.output(add_backbone(g, image, t, batch));
  return g.finish();
}

Graph build_model(std::string_view task, int batch) {
  const Task& t = find_task(task);
  GraphBuilder g("m3vit_" + std::string(t.name));
  const auto image = add_image(g, batch);
  const auto tokens = add_backbone(g, image, t, batch);
  g.output(add_head(g, tokens, t, batch));
  return g.finish();
}

const Task& routed_task(const Graph& graph) {
  for (const Node& n : graph.nodes) {
    if (n.op != OpKind::moe) continue;
    const std::string& gate = n.inputs.at(1);
    for (const Task& t : kTasks)
      if (gate.ends_with(".gate." + std::string(t.name))) return t;
  }
  throw std::invalid_argument("m3vit: graph '" + graph.name + "' has no MoE node reading a task's gate");
}

}  // namespace eb::m3vit
