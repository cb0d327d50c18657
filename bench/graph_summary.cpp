#include "bench/graph_summary.h"

#include <set>

#include "core/shape_inference.h"

namespace eb::bench {
namespace {

nlohmann::json to_json(const TensorSummary& t) {
  return {{"name", t.name}, {"shape", t.shape}, {"dtype", dtype_name(t.dtype)}};
}

}  // namespace

GraphSummary summarize_graph(const Graph& graph) {
  GraphSummary s;
  s.name = graph.name;
  for (const auto& in : graph.inputs) s.inputs.push_back({in, graph.info(in).shape, graph.info(in).dtype});
  for (const auto& out : graph.outputs) s.outputs.push_back({out, graph.info(out).shape, graph.info(out).dtype});
  for (const Node& node : graph.nodes) {
    LayerSummary l;
    l.name = node.name;
    l.op = std::string(op_name(node.op));
    l.output_shape = graph.info(node.name).shape;
    std::set<std::string> seen;  // a node that reads one weight twice owns it once
    for (const auto& in : node.inputs)
      if (graph.is_weight(in) && seen.insert(in).second) l.params += numel(graph.info(in).shape);
    l.macs = node_macs(node, input_shapes(graph, node), l.output_shape);
    // A conv2d with batch norm reads [x, w, (bias), γ, β, μ, σ²]: the last four are statistics.
    std::int64_t batch_norm = 0;
    if (node.op == OpKind::conv2d && node.attr<Conv2dAttrs>().has_batch_norm && node.inputs.size() >= 4)
      for (std::size_t i = node.inputs.size() - 4; i < node.inputs.size(); ++i) batch_norm += numel(graph.info(node.inputs[i]).shape);
    s.params_without_batch_norm += l.params - batch_norm;
    s.layers.push_back(std::move(l));
  }
  s.params = graph.param_count();
  s.macs = graph.mac_count();
  s.weight_tensors = graph.weights.size();
  return s;
}

nlohmann::json to_json(const GraphSummary& s) {
  nlohmann::json inputs = nlohmann::json::array(), outputs = nlohmann::json::array(), layers = nlohmann::json::array();
  for (const auto& t : s.inputs) inputs.push_back(to_json(t));
  for (const auto& t : s.outputs) outputs.push_back(to_json(t));
  for (const auto& l : s.layers)
    layers.push_back({{"name", l.name}, {"op", l.op}, {"output_shape", l.output_shape}, {"params", l.params}, {"macs", l.macs}});
  return {{"graph", s.name},   {"params", s.params},   {"params_without_batch_norm", s.params_without_batch_norm}, {"macs", s.macs},       {"nodes", s.layers.size()},
          {"weight_tensors", s.weight_tensors}, {"inputs", inputs}, {"outputs", outputs}, {"layers", layers}};
}

}  // namespace eb::bench
