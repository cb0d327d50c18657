// Mixture of experts (M³ViT / Edge-MoE): softmax gate over E experts, top-k routing with
// ties going to the lower expert index, each chosen expert computes fc2(act(fc1 x)), and
// the outputs are combined with the gate probabilities (renormalised over the chosen
// experts only when the attributes say so).
//
// Tokens are grouped by expert so each expert's two layers run as matrix products; the
// hidden activations and the combination stay in double.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "core/reference/detail.h"
#include "core/reference/gemm.h"
#include "core/reference/kernels.h"

namespace eb::ref::detail {

Tensor moe(const Node& node, Inputs in, const Shape& out_shape) {
  const auto& a = node.attr<MoeAttrs>();
  const Tensor& xt = *in[0];
  const std::int64_t D = xt.dim(2), M = xt.numel() / D, E = a.experts, H = a.hidden, topk = a.top_k;
  const float* x = xt.data<float>().data();
  const float* gate = in[1]->data<float>().data();
  const float* fc1_w = in[2]->data<float>().data();
  const float* fc1_b = in[3]->data<float>().data();
  const float* fc2_w = in[4]->data<float>().data();
  const float* fc2_b = in[5]->data<float>().data();

  // Routing: per token, the chosen experts and their combination weights.
  std::vector<double> logits(static_cast<std::size_t>(M * E));
  gemm_nn(x, D, gate, M, D, E, logits.data());
  struct Route {
    std::int64_t token;
    double weight;
  };
  std::vector<std::vector<Route>> routes(static_cast<std::size_t>(E));
  std::vector<double> p(static_cast<std::size_t>(E));
  std::vector<bool> taken(static_cast<std::size_t>(E));
  std::vector<std::int64_t> chosen(static_cast<std::size_t>(topk));
  for (std::int64_t t = 0; t < M; ++t) {
    const double* l = logits.data() + t * E;
    double mx = -std::numeric_limits<double>::infinity();
    for (std::int64_t e = 0; e < E; ++e) mx = std::max(mx, l[e]);
    double sum = 0;
    for (std::int64_t e = 0; e < E; ++e) sum += p[static_cast<std::size_t>(e)] = std::exp(l[e] - mx);
    for (auto& v : p) v /= sum;
    std::fill(taken.begin(), taken.end(), false);
    double chosen_sum = 0;
    for (std::int64_t r = 0; r < topk; ++r) {
      std::int64_t best = -1;
      for (std::int64_t e = 0; e < E; ++e)  // strict '>' keeps the lower index on ties
        if (!taken[static_cast<std::size_t>(e)] && (best < 0 || p[static_cast<std::size_t>(e)] > p[static_cast<std::size_t>(best)]))
          best = e;
      taken[static_cast<std::size_t>(best)] = true;
      chosen[static_cast<std::size_t>(r)] = best;
      chosen_sum += p[static_cast<std::size_t>(best)];
    }
    for (std::int64_t e : chosen) {
      const double w = p[static_cast<std::size_t>(e)] / (a.renormalize ? chosen_sum : 1.0);
      routes[static_cast<std::size_t>(e)].push_back({t, w});
    }
  }

  // Experts: gather their tokens, fc1 + bias + activation, fc2 + bias, weighted combine.
  std::vector<double> acc(static_cast<std::size_t>(M * D), 0.0);
  for (std::int64_t e = 0; e < E; ++e) {
    const auto& r = routes[static_cast<std::size_t>(e)];
    if (r.empty()) continue;
    const auto n = static_cast<std::int64_t>(r.size());
    std::vector<float> xe(static_cast<std::size_t>(n * D));
    for (std::int64_t i = 0; i < n; ++i) std::copy_n(x + r[static_cast<std::size_t>(i)].token * D, D, xe.data() + i * D);
    const std::vector<float> w1t = transposed(fc1_w + e * H * D, H, D, D);  // [D, H]
    std::vector<double> hidden(static_cast<std::size_t>(n * H));
    gemm_nn(xe.data(), D, w1t.data(), n, D, H, hidden.data());
    const float* b1 = fc1_b + e * H;
    for (std::int64_t i = 0; i < n; ++i)
      for (std::int64_t j = 0; j < H; ++j) {
        double& hv = hidden[static_cast<std::size_t>(i * H + j)];
        hv = apply_activation(a.act, hv + b1[j]);
      }
    const std::vector<float> w2t = transposed(fc2_w + e * D * H, D, H, H);  // [H, D]
    std::vector<double> ye(static_cast<std::size_t>(n * D));
    gemm_nn(hidden.data(), H, w2t.data(), n, H, D, ye.data());
    const float* b2 = fc2_b + e * D;
    for (std::int64_t i = 0; i < n; ++i) {
      const Route& ro = r[static_cast<std::size_t>(i)];
      double* dst = acc.data() + ro.token * D;
      for (std::int64_t j = 0; j < D; ++j) dst[j] += ro.weight * (ye[static_cast<std::size_t>(i * D + j)] + b2[j]);
    }
  }
  Tensor out(DType::f32, out_shape);
  auto y = out.data<float>();
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = static_cast<float>(acc[i]);
  return out;
}

}  // namespace eb::ref::detail
