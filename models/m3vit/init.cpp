#include "models/m3vit/init.h"

#include <cmath>
#include <string>
#include <vector>

#include "core/rng.h"
#include "core/seeded_init.h"
#include "models/m3vit/config.h"

namespace eb::m3vit {
namespace {

// Gate [D, E]: orthonormalise the E random columns (modified Gram–Schmidt in double) and
// scale each to norm kGateLogitStd.
void orthonormal_gate(Tensor& gate) {
  const std::int64_t D = gate.dim(0), E = gate.dim(1);
  auto v = gate.data<float>();
  std::vector<std::vector<double>> cols(static_cast<std::size_t>(E), std::vector<double>(static_cast<std::size_t>(D)));
  for (std::int64_t e = 0; e < E; ++e) {
    auto& c = cols[static_cast<std::size_t>(e)];
    for (std::int64_t d = 0; d < D; ++d) c[static_cast<std::size_t>(d)] = v[static_cast<std::size_t>(d * E + e)];
    for (std::int64_t j = 0; j < e; ++j) {
      const auto& u = cols[static_cast<std::size_t>(j)];
      double dot = 0;
      for (std::int64_t d = 0; d < D; ++d) dot += c[static_cast<std::size_t>(d)] * u[static_cast<std::size_t>(d)];
      for (std::int64_t d = 0; d < D; ++d) c[static_cast<std::size_t>(d)] -= dot * u[static_cast<std::size_t>(d)];
    }
    double sq = 0;
    for (double x : c) sq += x * x;
    const double inv = 1.0 / std::sqrt(sq);
    for (double& x : c) x *= inv;
  }
  for (std::int64_t e = 0; e < E; ++e)
    for (std::int64_t d = 0; d < D; ++d)
      v[static_cast<std::size_t>(d * E + e)] =
          static_cast<float>(cols[static_cast<std::size_t>(e)][static_cast<std::size_t>(d)] * kGateLogitStd);
}

// fc2 weight [..., out, hidden]: shift every row to sum to zero, so the positive mean of
// GELU(hidden) adds nothing token-independent to the residual stream.
void centre_rows(Tensor& w) {
  const std::int64_t H = w.dim(-1);
  auto v = w.data<float>();
  for (std::size_t r = 0; r < v.size(); r += static_cast<std::size_t>(H)) {
    double sum = 0;
    for (std::int64_t j = 0; j < H; ++j) sum += v[r + static_cast<std::size_t>(j)];
    const double mean = sum / static_cast<double>(H);
    for (std::int64_t j = 0; j < H; ++j) {
      float& x = v[r + static_cast<std::size_t>(j)];
      x = static_cast<float>(x - mean);
    }
  }
}

// qkv weight [3D, D]: q rows scaled to kQkGain, k = √(1−s)·q + √s·(its own draw), with
// s = kQkOwnShare, so q_t·k_t is large and a token attends to itself and to tokens like it.
void correlate_qk(Tensor& w) {
  const std::int64_t D = w.dim(1);
  auto v = w.data<float>();
  const double scale = kQkGain / kVGain;
  const double shared = std::sqrt(1.0 - kQkOwnShare), own = std::sqrt(kQkOwnShare);
  const auto n = static_cast<std::size_t>(D * D);
  for (std::size_t i = 0; i < n; ++i) {
    const double q = v[i] * scale;
    const double k_own = v[n + i] * scale;
    v[i] = static_cast<float>(q);
    v[n + i] = static_cast<float>(shared * q + own * k_own);
  }
}

bool is_gate(const std::string& name) {
  for (const Task& t : kTasks)
    if (name.ends_with(".mlp.gate." + std::string(t.name))) return true;
  return false;
}

}  // namespace

WeightInit scaled_init(double gain, std::int64_t fan_in) {
  return WeightInit::with_std(gain / std::sqrt(static_cast<double>(fan_in)));
}

Weights seeded_weights(const Graph& graph, std::uint64_t seed) {
  Weights w = init_weights(graph, seed);
  for (const WeightSpec& spec : graph.weights) {
    const std::string& name = spec.name;
    const bool gate = is_gate(name);
    const bool fc2 = name.ends_with(".mlp.fc2.weight") || name.ends_with(".mlp.experts.fc2.weight");
    const bool qkv = name.ends_with(".attn.qkv.weight");
    if (!gate && !fc2 && !qkv) continue;
    Tensor t = w.get(name);
    if (gate) orthonormal_gate(t);
    if (fc2) centre_rows(t);
    if (qkv) correlate_qk(t);
    w.set(name, std::move(t));
  }
  return w;
}

}  // namespace eb::m3vit
