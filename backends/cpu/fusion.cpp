#include "backends/cpu/fusion.h"

#include <algorithm>

namespace eb::cpu {

GraphIndex::GraphIndex(const Graph& graph) : graph_(graph), outputs_(graph.outputs.begin(), graph.outputs.end()) {
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    position_.emplace(graph.nodes[i].name, i);
    for (const auto& in : graph.nodes[i].inputs) {
      auto& r = readers_[in];
      // A node reading a tensor twice (x + x) counts once here but is refused below.
      if (r.empty() || r.back() != i) r.push_back(i);
    }
  }
}

std::size_t GraphIndex::reader_count(const std::string& tensor) const {
  const auto it = readers_.find(tensor);
  return it == readers_.end() ? 0 : it->second.size();
}

bool GraphIndex::dead_after(const std::string& tensor, const std::string& node) const {
  if (is_output(tensor)) return false;
  const auto it = readers_.find(tensor);
  // A fused chain runs at its first node's step, never later than any node in it, so
  // graph order bounds execution order from above: "no reader after" is safe.
  return it == readers_.end() || it->second.back() <= position_.at(node);
}

PostOpChain GraphIndex::chain_after(const Node& base, const std::function<bool(const std::string&)>& available) const {
  PostOpChain chain;
  chain.result = base.name;
  const Shape& shape = graph_.info(base.name).shape;
  for (;;) {
    const std::string& cur = chain.result;
    if (is_output(cur) || reader_count(cur) != 1) break;
    const Node& next = graph_.nodes[readers_.at(cur).front()];
    if (std::count(next.inputs.begin(), next.inputs.end(), cur) != 1) break;
    if (is_unary_eltwise(next.op)) {
      chain.ops.push_back({PostOp::Kind::activation, unary_activation(next.op), OpKind::add, {}});
    } else if (next.op == OpKind::add || next.op == OpKind::mul) {
      const std::string& other = next.inputs[0] == cur ? next.inputs[1] : next.inputs[0];
      // Only element-for-element operands: a broadcast operand would need its own layout
      // handling in the blocked formats oneDNN picks, and the models do not need it.
      if (graph_.info(other).shape != shape || graph_.info(next.name).shape != shape || !available(other)) break;
      chain.ops.push_back({PostOp::Kind::binary, Activation::none, next.op, other});
    } else {
      break;
    }
    chain.absorbed.push_back(next.name);
    chain.result = next.name;
  }
  return chain;
}

}  // namespace eb::cpu
