#include "backends/edgetpu/quant_error.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <unordered_map>

#include "backends/edgetpu/calibration.h"
#include "core/reference/kernels.h"

namespace eb::edgetpu {
namespace {

Activation fused_act(const Node& n) {
  if (n.op == OpKind::conv2d) return n.attr<Conv2dAttrs>().act;
  if (n.op == OpKind::linear) return n.attr<LinearAttrs>().act;
  return Activation::none;
}

Tensor dequantized(const QTensor& q) {
  Tensor t(DType::f32, q.shape);
  auto d = t.data<float>();
  for (std::size_t i = 0; i < d.size(); ++i) d[i] = dequantize_value(q.data[i], q.q);
  return t;
}

double relative_l2(const Tensor& want, const QTensor& got) {
  auto r = want.data<float>();
  double diff = 0, nr = 0;
  for (std::size_t i = 0; i < r.size(); ++i) {
    const double a = r[i], b = dequantize_value(got.data[i], got.q);
    diff += (a - b) * (a - b);
    nr += a * a;
  }
  return nr > 0 ? std::sqrt(diff / nr) : (diff > 0 ? 1.0 : 0.0);
}

TensorError compare(const std::string& name, std::string op, const Tensor& ref, const QTensor& q) {
  TensorError e;
  e.tensor = name;
  e.op = std::move(op);
  e.q = q.q;
  auto r = ref.data<float>();
  if (r.size() != q.data.size()) throw std::logic_error("quant_error: '" + name + "' has different sizes in float and int8");
  const float lo = dequantize_value(-128, q.q) - 0.5f * q.q.scale, hi = dequantize_value(127, q.q) + 0.5f * q.q.scale;
  double diff = 0, nr = 0, nq = 0, dot = 0;
  std::size_t outside = 0;
  if (!r.empty()) {
    const auto [mn, mx] = std::minmax_element(r.begin(), r.end());
    e.min = *mn;
    e.max = *mx;
  }
  for (std::size_t i = 0; i < r.size(); ++i) {
    const double a = r[i], b = dequantize_value(q.data[i], q.q);
    diff += (a - b) * (a - b);
    nr += a * a;
    nq += b * b;
    dot += a * b;
    if (r[i] < lo || r[i] > hi) ++outside;
  }
  e.relative_l2 = nr > 0 ? std::sqrt(diff / nr) : (diff > 0 ? 1.0 : 0.0);
  e.cosine = nr > 0 && nq > 0 ? dot / std::sqrt(nr * nq) : (nr == nq ? 1.0 : 0.0);
  e.saturated = r.empty() ? 0.0 : static_cast<double>(outside) / static_cast<double>(r.size());
  const double rms = r.empty() ? 0.0 : std::sqrt(nr / static_cast<double>(r.size()));
  e.step_over_rms = rms > 0 ? q.q.scale / rms : 0.0;
  return e;
}

}  // namespace

std::vector<TensorError> per_tensor_error(const Graph& graph, const Weights& weights, QuantizedProgram& program,
                                          std::span<const Tensor> inputs) {
  program.run(inputs);
  const auto wf = f32_weights(graph, weights);
  const auto last_use = last_uses(graph);

  std::unordered_map<std::string, Tensor> env;
  for (std::size_t i = 0; i < graph.inputs.size() && i < inputs.size(); ++i)
    env.insert_or_assign(graph.inputs[i], inputs[i].dtype() == DType::f32 ? inputs[i] : inputs[i].to(DType::f32));
  std::vector<TensorError> out;
  std::vector<const Tensor*> args;
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& node = graph.nodes[i];
    node_args(node, env, wf, args);
    const Shape& shape = graph.info(node.name).shape;
    const Activation act = fused_act(node);
    std::string op(op_name(node.op));
    if (act != Activation::none) op.append("+").append(activation_name(act));
    // The same node on the int8 program's own (dequantised) inputs, for the local error.
    std::vector<Tensor> qin;
    std::vector<const Tensor*> qargs;
    qin.reserve(node.inputs.size());
    for (std::size_t k = 0; k < node.inputs.size(); ++k) {
      if (graph.is_weight(node.inputs[k])) {
        qargs.push_back(args[k]);
      } else {
        qin.push_back(dequantized(program.tensor(node.inputs[k])));
        qargs.push_back(&qin.back());
      }
    }
    Tensor t;
    if (activation_is_separate(act)) {
      Node bare = node;
      if (node.op == OpKind::conv2d) std::get<Conv2dAttrs>(bare.attrs).act = Activation::none;
      else std::get<LinearAttrs>(bare.attrs).act = Activation::none;
      t = ref::eval_node(bare, args, shape);
      const QTensor& pre = program.tensor(preact_name(node.name));
      out.push_back(compare(preact_name(node.name), std::string(op_name(node.op)), t, pre));
      out.back().local_l2 = relative_l2(ref::eval_node(bare, qargs, shape), pre);
      for (auto& v : t.data<float>()) v = static_cast<float>(ref::apply_activation(act, v));
      Tensor local = dequantized(pre);
      for (auto& v : local.data<float>()) v = static_cast<float>(ref::apply_activation(act, v));
      out.push_back(compare(node.name, op, t, program.tensor(node.name)));
      out.back().local_l2 = relative_l2(local, program.tensor(node.name));
    } else {
      t = ref::eval_node(node, args, shape);
      out.push_back(compare(node.name, op, t, program.tensor(node.name)));
      out.back().local_l2 = relative_l2(ref::eval_node(node, qargs, shape), program.tensor(node.name));
    }
    env.insert_or_assign(node.name, std::move(t));
    for (const auto& in : node.inputs)
      if (auto lu = last_use.find(in); lu != last_use.end() && lu->second == i) env.erase(in);
  }
  return out;
}

}  // namespace eb::edgetpu
