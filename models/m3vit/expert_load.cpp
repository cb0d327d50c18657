#include "models/m3vit/expert_load.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>
#include <string>

#include "core/reference/reference_backend.h"

namespace eb::m3vit {
namespace {

// The nodes of `graph` up to and including its last MoE node, with only the weights they
// read: the task head (most of the full model's work) is never run.
Graph through_last_moe(const Graph& graph) {
  const auto is_moe = [](const Node& n) { return n.op == OpKind::moe; };
  const auto last = std::find_if(graph.nodes.rbegin(), graph.nodes.rend(), is_moe);
  if (last == graph.nodes.rend())
    throw std::invalid_argument("expert load: graph '" + graph.name + "' has no MoE node");
  Graph g;
  g.name = graph.name + "_through_last_moe";
  g.inputs = graph.inputs;
  g.nodes.assign(graph.nodes.begin(), last.base());
  g.outputs = {g.nodes.back().name};
  std::set<std::string> used;
  for (const Node& n : g.nodes) used.insert(n.inputs.begin(), n.inputs.end());
  for (const WeightSpec& w : graph.weights)
    if (used.contains(w.name)) g.weights.push_back(w);
  for (const auto& name : g.inputs) g.tensors[name] = graph.info(name);
  for (const WeightSpec& w : g.weights) g.tensors[w.name] = graph.info(w.name);
  for (const Node& n : g.nodes) g.tensors[n.name] = graph.info(n.name);
  g.validate();
  return g;
}

// "blocks.11.mlp" → 11 (−1 when the node is not named after a block).
int block_of(const std::string& node) {
  constexpr std::string_view prefix = "blocks.";
  if (!node.starts_with(prefix)) return -1;
  const auto end = node.find('.', prefix.size());
  try {
    return std::stoi(node.substr(prefix.size(), end - prefix.size()));
  } catch (const std::exception&) {
    return -1;
  }
}

LayerLoad route(const Node& node, const Tensor& x, const Tensor& gate_any) {
  const auto& a = node.attr<MoeAttrs>();
  const Tensor gate = gate_any.dtype() == DType::f32 ? gate_any : gate_any.to(DType::f32);  // e.g. an f16 checkpoint
  const std::int64_t D = x.dim(-1), M = x.numel() / D, E = a.experts;
  const auto xv = x.data<float>();
  const auto gv = gate.data<float>();
  LayerLoad load{block_of(node.name), std::vector<std::int64_t>(static_cast<std::size_t>(E), 0)};
  std::vector<double> p(static_cast<std::size_t>(E));
  std::vector<bool> taken(static_cast<std::size_t>(E));
  for (std::int64_t t = 0; t < M; ++t) {
    for (std::int64_t e = 0; e < E; ++e) {
      double logit = 0;
      for (std::int64_t d = 0; d < D; ++d)
        logit += static_cast<double>(xv[static_cast<std::size_t>(t * D + d)]) * gv[static_cast<std::size_t>(d * E + e)];
      p[static_cast<std::size_t>(e)] = logit;
    }
    const double mx = *std::max_element(p.begin(), p.end());
    double sum = 0;
    for (double& v : p) sum += v = std::exp(v - mx);
    for (double& v : p) v /= sum;
    std::fill(taken.begin(), taken.end(), false);
    for (int k = 0; k < a.top_k; ++k) {
      std::size_t best = p.size();
      for (std::size_t e = 0; e < p.size(); ++e)  // strict '>': ties go to the lower index
        if (!taken[e] && (best == p.size() || p[e] > p[best])) best = e;
      taken[best] = true;
      ++load.counts[best];
    }
  }
  return load;
}

}  // namespace

std::int64_t LayerLoad::slots() const {
  std::int64_t n = 0;
  for (auto c : counts) n += c;
  return n;
}

double LayerLoad::max_share() const {
  const std::int64_t n = slots();
  if (n == 0) return 0.0;
  return static_cast<double>(*std::max_element(counts.begin(), counts.end())) / static_cast<double>(n);
}

std::vector<LayerLoad> expert_load(const Graph& graph, const Weights& weights, std::span<const Tensor> inputs) {
  const Graph g = through_last_moe(graph);
  const auto values = run_reference_all(g, weights, inputs);
  const auto find = [&](const std::string& name) -> const Tensor& {
    if (auto it = values.find(name); it != values.end()) return it->second;
    return weights.get(name);
  };
  std::vector<LayerLoad> out;
  for (const Node& n : g.nodes)
    if (n.op == OpKind::moe) out.push_back(route(n, find(n.inputs[0]), find(n.inputs[1])));
  return out;
}

nlohmann::json to_json(std::span<const LayerLoad> load) {
  nlohmann::json layers = nlohmann::json::array();
  for (const LayerLoad& l : load)
    layers.push_back({{"block", l.block}, {"counts", l.counts}, {"max_share", l.max_share()}});
  return layers;
}

}  // namespace eb::m3vit
