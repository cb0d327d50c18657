#include "export/onnx/lower.h"

#include <stdexcept>

namespace eb::onnx_export {

void lower_node(GraphWriter& w, const Graph& g, const Node& node) {
  switch (node.op) {
    case OpKind::conv2d: return lower_conv2d(w, g, node);
    case OpKind::linear: return lower_linear(w, g, node);
    case OpKind::matmul: return lower_matmul(w, g, node);
    case OpKind::layernorm: return lower_layernorm(w, g, node);
    case OpKind::softmax: return lower_softmax(w, g, node);
    case OpKind::gelu:
    case OpKind::relu:
    case OpKind::relu6:
    case OpKind::hardswish:
    case OpKind::hardsigmoid:
    case OpKind::sigmoid: lower_activation(w, unary_activation(node.op), node.inputs.at(0), node.name); return;
    case OpKind::add:
    case OpKind::mul: return lower_binary(w, g, node);
    case OpKind::concat: return lower_concat(w, g, node);
    case OpKind::reshape: return lower_reshape(w, g, node);
    case OpKind::transpose: return lower_transpose(w, g, node);
    case OpKind::slice: return lower_slice(w, g, node);
    case OpKind::resize_bilinear: return lower_resize(w, g, node);
    case OpKind::global_avg_pool: return lower_global_avg_pool(w, g, node);
    case OpKind::attention: return lower_attention(w, g, node);
    case OpKind::moe: return lower_moe(w, g, node);
  }
  throw std::invalid_argument("onnx export: node '" + node.name + "' has an unknown operator");
}

}  // namespace eb::onnx_export
