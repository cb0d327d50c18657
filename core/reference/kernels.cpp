// eval_node: checks a node's inputs against shape inference, then dispatches to the
// operator's kernel (one file per family in this folder).
#include "core/reference/kernels.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/reference/detail.h"
#include "core/shape_inference.h"

namespace eb::ref {

double apply_activation(Activation a, double x) {
  switch (a) {
    case Activation::none: return x;
    case Activation::relu: return x > 0 ? x : 0.0;
    case Activation::relu6: return std::clamp(x, 0.0, 6.0);
    case Activation::hardswish: return x * std::clamp(x + 3.0, 0.0, 6.0) / 6.0;
    case Activation::hardsigmoid: return std::clamp(x + 3.0, 0.0, 6.0) / 6.0;
    case Activation::sigmoid: return 1.0 / (1.0 + std::exp(-x));
    case Activation::gelu: return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
  }
  throw std::logic_error("unknown activation");
}

Tensor eval_node(const Node& node, std::span<const Tensor* const> inputs, const Shape& out_shape) {
  const auto fail = [&](const std::string& what) {
    throw std::invalid_argument("reference: node '" + node.name + "' (" + std::string(op_name(node.op)) + "): " + what);
  };
  std::vector<Shape> shapes;
  shapes.reserve(inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i] == nullptr) fail("input " + std::to_string(i) + " is missing");
    if (inputs[i]->dtype() != DType::f32)
      fail("input " + std::to_string(i) + " ('" + (i < node.inputs.size() ? node.inputs[i] : std::string("?")) +
           "') is " + std::string(dtype_name(inputs[i]->dtype())) + ", the reference computes on f32");
    shapes.push_back(inputs[i]->shape());
  }
  const Shape inferred = infer_shape(node, shapes);  // throws naming the node
  if (inferred != out_shape) fail("output shape " + to_string(out_shape) + " requested, inputs give " + to_string(inferred));

  namespace d = detail;
  switch (node.op) {
    case OpKind::conv2d: return d::conv2d(node, inputs, out_shape);
    case OpKind::linear: return d::linear(node, inputs, out_shape);
    case OpKind::matmul: return d::matmul(node, inputs, out_shape);
    case OpKind::layernorm: return d::layernorm(node, inputs, out_shape);
    case OpKind::softmax: return d::softmax(node, inputs, out_shape);
    case OpKind::gelu:
    case OpKind::relu:
    case OpKind::relu6:
    case OpKind::hardswish:
    case OpKind::hardsigmoid:
    case OpKind::sigmoid: return d::unary(node, inputs, out_shape);
    case OpKind::add:
    case OpKind::mul: return d::binary(node, inputs, out_shape);
    case OpKind::concat: return d::concat(node, inputs, out_shape);
    case OpKind::reshape: return d::reshape(node, inputs, out_shape);
    case OpKind::transpose: return d::transpose(node, inputs, out_shape);
    case OpKind::slice: return d::slice(node, inputs, out_shape);
    case OpKind::resize_bilinear: return d::resize_bilinear(node, inputs, out_shape);
    case OpKind::global_avg_pool: return d::global_avg_pool(node, inputs, out_shape);
    case OpKind::attention: return d::attention(node, inputs, out_shape);
    case OpKind::moe: return d::moe(node, inputs, out_shape);
  }
  fail("unknown operator");
  return {};
}

}  // namespace eb::ref
