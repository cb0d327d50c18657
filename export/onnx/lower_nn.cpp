// conv2d, linear, matmul, layernorm, softmax and the activations.
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "export/onnx/lower.h"

namespace eb::onnx_export {
namespace {

using Ints = std::vector<std::int64_t>;

// Perm swapping the last two of `rank` dimensions.
Ints swap_last_two(std::size_t rank) {
  Ints p(rank);
  std::iota(p.begin(), p.end(), 0);
  std::swap(p[rank - 1], p[rank - 2]);
  return p;
}

}  // namespace

std::string lower_activation(GraphWriter& w, Activation act, const std::string& x, const std::string& out) {
  switch (act) {
    case Activation::none: return w.node("Identity", {x}, out);
    case Activation::relu: return w.node("Relu", {x}, out);
    case Activation::relu6: return w.node("Clip", {x, w.const_f32(out + "/zero", 0.0f), w.const_f32(out + "/six", 6.0f)}, out);
    // HardSwish and HardSigmoid with ONNX's defaults alpha 1/6, beta 0.5 are exactly
    // x·relu6(x+3)/6 and relu6(x+3)/6 (core/ops.h).
    case Activation::hardswish: return w.node("HardSwish", {x}, out);
    case Activation::hardsigmoid: return w.node("HardSigmoid", {x}, out, {Attr::real("alpha", 1.0f / 6.0f), Attr::real("beta", 0.5f)});
    case Activation::sigmoid: return w.node("Sigmoid", {x}, out);
    case Activation::gelu: {
      // Exact erf form; opset 17 has no Gelu operator.
      const auto s = w.node("Div", {x, w.const_f32(out + "/sqrt2", static_cast<float>(std::sqrt(2.0)))}, w.fresh(out + "/scaled"));
      const auto e = w.node("Erf", {s}, w.fresh(out + "/erf"));
      const auto p = w.node("Add", {e, w.const_f32(out + "/one", 1.0f)}, w.fresh(out + "/erf1"));
      const auto m = w.node("Mul", {x, p}, w.fresh(out + "/xerf1"));
      return w.node("Mul", {m, w.const_f32(out + "/half", 0.5f)}, out);
    }
  }
  throw std::invalid_argument("onnx export: unknown activation for '" + out + "'");
}

void lower_conv2d(GraphWriter& w, const Graph& g, const Node& node) {
  const auto& a = node.attr<Conv2dAttrs>();
  if (a.has_batch_norm)
    throw std::invalid_argument("onnx export: node '" + node.name + "' still has batch norm; export the folded graph (core/fold_batch_norm.h)");
  const Shape& ws = g.info(node.inputs.at(1)).shape;
  std::vector<std::string> in{node.inputs.at(0), node.inputs.at(1)};
  if (a.has_bias) in.push_back(node.inputs.at(2));
  const std::string out = a.act == Activation::none ? node.name : w.fresh(node.name + "/conv");
  // ONNX pads are [begin of each spatial axis, end of each]: top, left, bottom, right, as ours.
  w.node("Conv", in, out,
         {Attr::list("kernel_shape", {ws[2], ws[3]}), Attr::list("strides", {a.stride[0], a.stride[1]}),
          Attr::list("pads", {a.pad[0], a.pad[1], a.pad[2], a.pad[3]}), Attr::list("dilations", {a.dilation[0], a.dilation[1]}),
          Attr::integer("group", a.groups)});
  if (a.act != Activation::none) lower_activation(w, a.act, out, node.name);
}

void lower_linear(GraphWriter& w, const Graph& g, const Node& node) {
  const auto& a = node.attr<LinearAttrs>();
  // weight [N, K] (PyTorch layout) stays as it is stored; the Transpose of an initializer
  // is folded by any ONNX runtime's constant folding.
  const auto wt = w.node("Transpose", {node.inputs.at(1)}, w.fresh(node.name + "/weight_t"), {Attr::list("perm", {1, 0})});
  const bool last = !a.has_bias && a.act == Activation::none;
  std::string y = w.node("MatMul", {node.inputs.at(0), wt}, last ? node.name : w.fresh(node.name + "/matmul"));
  if (a.has_bias) y = w.node("Add", {y, node.inputs.at(2)}, a.act == Activation::none ? node.name : w.fresh(node.name + "/bias"));
  if (a.act != Activation::none) lower_activation(w, a.act, y, node.name);
}

void lower_matmul(GraphWriter& w, const Graph& g, const Node& node) {
  std::string b = node.inputs.at(1);
  if (node.attr<MatmulAttrs>().transpose_b)
    b = w.node("Transpose", {b}, w.fresh(node.name + "/b_t"), {Attr::list("perm", swap_last_two(g.info(b).shape.size()))});
  w.node("MatMul", {node.inputs.at(0), b}, node.name);
}

void lower_layernorm(GraphWriter& w, const Graph&, const Node& node) {
  w.node("LayerNormalization", {node.inputs.at(0), node.inputs.at(1), node.inputs.at(2)}, node.name,
         {Attr::integer("axis", -1), Attr::real("epsilon", node.attr<LayerNormAttrs>().eps)});
}

void lower_softmax(GraphWriter& w, const Graph&, const Node& node) {
  w.node("Softmax", {node.inputs.at(0)}, node.name, {Attr::integer("axis", node.attr<SoftmaxAttrs>().axis)});
}

}  // namespace eb::onnx_export
