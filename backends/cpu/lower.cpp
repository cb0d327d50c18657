#include "backends/cpu/lower.h"

#include "backends/cpu/ops/ops.h"

namespace eb::cpu {

namespace {

void lower_node(Builder& b, const Node& node) {
  switch (node.op) {
    case OpKind::conv2d: return lower_conv2d(b, node);
    case OpKind::linear: return lower_linear(b, node);
    case OpKind::matmul: return lower_matmul(b, node);
    case OpKind::layernorm: return lower_layernorm(b, node);
    case OpKind::softmax: return lower_softmax(b, node);
    case OpKind::gelu:
    case OpKind::relu:
    case OpKind::relu6:
    case OpKind::hardswish:
    case OpKind::hardsigmoid:
    case OpKind::sigmoid: return lower_unary(b, node);
    case OpKind::add:
    case OpKind::mul: return lower_binary(b, node);
    case OpKind::concat: return lower_concat(b, node);
    case OpKind::reshape: return lower_reshape(b, node);
    case OpKind::transpose: return lower_transpose(b, node);
    case OpKind::slice: return lower_slice(b, node);
    case OpKind::resize_bilinear: return lower_resize_bilinear(b, node);
    case OpKind::global_avg_pool: return lower_global_avg_pool(b, node);
    case OpKind::attention: return lower_attention(b, node);
    case OpKind::moe: return lower_moe(b, node);
  }
  throw std::logic_error("cpu backend: unknown operator");
}

}  // namespace

Program lower_graph(Context& ctx, const Graph& graph, const Weights& weights) {
  Builder b(ctx, graph, weights);
  for (const Node& node : graph.nodes)
    if (!b.absorbed(node.name)) lower_node(b, node);
  return b.finish();
}

}  // namespace eb::cpu
