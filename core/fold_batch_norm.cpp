#include "core/fold_batch_norm.h"

#include <cmath>
#include <set>

namespace eb {

FoldedModel fold_batch_norm(const Graph& graph, const Weights& weights) {
  FoldedModel out;
  Graph& g = out.graph;
  g.name = graph.name;
  g.inputs = graph.inputs;
  g.outputs = graph.outputs;
  std::vector<WeightSpec> new_specs;
  for (const auto& node : graph.nodes) {
    Node n = node;
    if (n.op == OpKind::conv2d && n.attr<Conv2dAttrs>().has_batch_norm) {
      auto attrs = n.attr<Conv2dAttrs>();
      const Tensor& w = weights.get(n.inputs[1]);
      const std::int64_t oc = w.dim(0);
      const std::int64_t per = w.numel() / oc;
      std::size_t k = 2;
      const Tensor* bias = attrs.has_bias ? &weights.get(n.inputs[k++]) : nullptr;
      const auto gamma = weights.get(n.inputs[k]).data<float>();
      const auto beta = weights.get(n.inputs[k + 1]).data<float>();
      const auto mean = weights.get(n.inputs[k + 2]).data<float>();
      const auto var = weights.get(n.inputs[k + 3]).data<float>();
      Tensor fw(DType::f32, w.shape());
      Tensor fb(DType::f32, {oc});
      auto src = w.data<float>();
      auto dw = fw.data<float>();
      auto db = fb.data<float>();
      for (std::int64_t o = 0; o < oc; ++o) {
        const double scale = static_cast<double>(gamma[o]) / std::sqrt(static_cast<double>(var[o]) + attrs.bn_eps);
        for (std::int64_t i = 0; i < per; ++i) dw[o * per + i] = static_cast<float>(src[o * per + i] * scale);
        const double b0 = bias ? bias->data<float>()[o] : 0.0;
        db[o] = static_cast<float>((b0 - mean[o]) * scale + beta[o]);
      }
      const std::string wn = n.name + ".folded_weight", bn = n.name + ".folded_bias";
      new_specs.push_back({wn, fw.shape(), DType::f32, WeightInit::zeros()});
      new_specs.push_back({bn, fb.shape(), DType::f32, WeightInit::zeros()});
      out.weights.set(wn, std::move(fw));
      out.weights.set(bn, std::move(fb));
      attrs.has_batch_norm = false;
      attrs.has_bias = true;
      n.attrs = attrs;
      n.inputs = {n.inputs[0], wn, bn};
    }
    g.nodes.push_back(std::move(n));
  }
  std::set<std::string> used;
  for (const auto& n : g.nodes) used.insert(n.inputs.begin(), n.inputs.end());
  for (const auto& in : g.inputs) g.tensors[in] = graph.info(in);
  for (const auto& spec : graph.weights) {
    if (!used.contains(spec.name)) continue;
    g.weights.push_back(spec);
    g.tensors[spec.name] = graph.info(spec.name);
    out.weights.set(spec.name, weights.get(spec.name));
  }
  for (auto& spec : new_specs) {
    g.tensors[spec.name] = TensorInfo{spec.shape, spec.dtype, TensorKind::weight};
    g.weights.push_back(std::move(spec));
  }
  for (const auto& n : g.nodes) g.tensors[n.name] = graph.info(n.name);
  g.validate();
  return out;
}

}  // namespace eb
