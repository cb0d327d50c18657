#include "backends/edgetpu/support.h"

#include <set>

namespace eb::edgetpu {
namespace {

// The Edge TPU needs tensors of at most 3 non-unit dimensions (a batch of one image).
bool tpu_shape(const Shape& s) {
  if (s.size() > 4) return false;
  int big = 0;
  for (auto d : s) big += d > 1 ? 1 : 0;
  return big <= 3;
}

bool act_mappable(Activation a) {
  switch (a) {
    case Activation::none:
    case Activation::relu:
    case Activation::relu6:
    case Activation::hardswish:
    case Activation::hardsigmoid:
    case Activation::sigmoid: return true;
    case Activation::gelu: return false;
  }
  return false;
}

bool fail(std::string* why, std::string text) {
  if (why) *why = std::move(text);
  return false;
}

}  // namespace

bool op_mappable(const Graph& graph, const Node& node, std::string* why) {
  const std::string op(op_name(node.op));
  switch (node.op) {
    case OpKind::conv2d:
      if (!act_mappable(node.attr<Conv2dAttrs>().act))
        return fail(why, "conv2d with fused " + std::string(activation_name(node.attr<Conv2dAttrs>().act)) + ": no Edge TPU kernel for the activation");
      if (node.attr<Conv2dAttrs>().has_batch_norm) return fail(why, "conv2d with unfolded batch norm");
      break;
    case OpKind::linear:
      if (!act_mappable(node.attr<LinearAttrs>().act))
        return fail(why, "linear with fused " + std::string(activation_name(node.attr<LinearAttrs>().act)) + ": no Edge TPU kernel for the activation");
      break;
    case OpKind::relu:
    case OpKind::relu6:
    case OpKind::hardswish:
    case OpKind::hardsigmoid:
    case OpKind::sigmoid:
    case OpKind::add:
    case OpKind::mul:
    case OpKind::concat:
    case OpKind::reshape:
    case OpKind::transpose:
    case OpKind::slice:
    case OpKind::resize_bilinear:
    case OpKind::global_avg_pool: break;
    case OpKind::gelu: return fail(why, "gelu: no Edge TPU kernel (TFLite GELU runs on the CPU)");
    case OpKind::layernorm: return fail(why, "layernorm: no Edge TPU kernel for the normalisation");
    case OpKind::matmul: return fail(why, "matmul: activation-by-activation matmul (BATCH_MATMUL) has no Edge TPU kernel");
    case OpKind::attention: return fail(why, "attention: its batched matmuls and softmax have no Edge TPU kernel");
    case OpKind::softmax: return fail(why, "softmax: not mapped here (the Edge TPU maps only 1-D softmax; this simulation has no int8 softmax)");
    case OpKind::moe: return fail(why, "moe: top-k gating and data-dependent expert selection have no Edge TPU kernel");
  }
  for (const auto& in : node.inputs)
    if (!graph.is_weight(in) && !tpu_shape(graph.info(in).shape))
      return fail(why, op + ": input '" + in + "' " + to_string(graph.info(in).shape) + " has more than 3 dimensions larger than 1");
  if (!tpu_shape(graph.info(node.name).shape))
    return fail(why, op + ": output " + to_string(graph.info(node.name).shape) + " has more than 3 dimensions larger than 1");
  return true;
}

Cut find_cut(const Graph& graph) {
  Cut c;
  c.index = graph.nodes.size();
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    std::string why;
    if (!op_mappable(graph, graph.nodes[i], &why)) {
      c.index = i;
      c.node = graph.nodes[i].name;
      c.reason = why;
      break;
    }
  }
  return c;
}

Capability claim_before_cut(const Graph& graph) {
  const Cut c = find_cut(graph);
  Capability claim;
  claim.reasons.resize(graph.nodes.size());
  for (std::size_t i = c.index; i < graph.nodes.size(); ++i) {
    if (i == c.index) claim.reasons[i] = c.reason;
    else if (!op_mappable(graph, graph.nodes[i], &claim.reasons[i])) continue;
    else claim.reasons[i] = "after the Edge TPU compiler's cut at '" + c.node + "'";
  }
  return claim;
}

std::string describe_cut(const Graph& graph) {
  const Cut c = find_cut(graph);
  const std::size_t n = graph.nodes.size();
  if (c.index == n) return "all " + std::to_string(n) + " nodes map to the Edge TPU";
  std::set<std::string> after;
  for (std::size_t i = c.index + 1; i < n; ++i)
    if (!op_mappable(graph, graph.nodes[i])) after.insert(std::string(op_name(graph.nodes[i].op)));
  std::string s = "cut at node '" + c.node + "' (" + c.reason + "): " + std::to_string(c.index) + " of " + std::to_string(n) +
                  " nodes on the Edge TPU, " + std::to_string(n - c.index) + " on the host";
  if (!after.empty()) {
    s += " (also unmappable after the cut:";
    bool first = true;
    for (const auto& op : after) {
      s += (first ? " " : ", ") + op;
      first = false;
    }
    s += ")";
  }
  return s;
}

}  // namespace eb::edgetpu
