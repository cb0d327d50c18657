// moe against a per-token loop written here, plus the routing edge cases: ties go to the
// lower expert index, and probabilities are renormalised only when asked.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "core/reference/kernels.h"
#include "core/rng.h"
#include "core/shape_inference.h"
#include "tests/reference/eval.h"

namespace eb {
namespace {

using test::eval;
using test::random_tensor;

struct MoeWeights {
  Tensor gate, w1, b1, w2, b2;
};

MoeWeights random_moe(int D, int E, int H) {
  return {random_tensor({D, E}, 21, -2, 2), random_tensor({E, H, D}, 22), random_tensor({E, H}, 23),
          random_tensor({E, D, H}, 24), random_tensor({E, D}, 25)};
}

// One token at a time: gate logits, softmax, sort experts by (p desc, index asc), run the
// top k experts and sum their outputs weighted by p.
std::vector<double> moe_per_token(const MoeAttrs& a, const Tensor& x, const MoeWeights& w) {
  const std::int64_t D = x.dim(2), T = x.numel() / D, E = a.experts, H = a.hidden;
  const auto X = x.data<float>(), G = w.gate.data<float>(), W1 = w.w1.data<float>(), B1 = w.b1.data<float>(),
             W2 = w.w2.data<float>(), B2 = w.b2.data<float>();
  std::vector<double> out(static_cast<std::size_t>(T * D), 0.0);
  for (std::int64_t t = 0; t < T; ++t) {
    std::vector<double> p(static_cast<std::size_t>(E));
    for (std::int64_t e = 0; e < E; ++e)
      for (std::int64_t d = 0; d < D; ++d) p[e] += static_cast<double>(X[t * D + d]) * G[d * E + e];
    const double mx = *std::max_element(p.begin(), p.end());
    for (double& v : p) v = std::exp(v - mx);
    const double sum = std::accumulate(p.begin(), p.end(), 0.0);
    for (double& v : p) v /= sum;
    std::vector<int> order(static_cast<std::size_t>(E));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int i, int j) { return p[i] > p[j]; });
    order.resize(static_cast<std::size_t>(a.top_k));
    double chosen = 0;
    for (int e : order) chosen += p[e];
    for (int e : order) {
      std::vector<double> h(static_cast<std::size_t>(H));
      for (std::int64_t j = 0; j < H; ++j) {
        double s = B1[e * H + j];
        for (std::int64_t d = 0; d < D; ++d) s += static_cast<double>(W1[(e * H + j) * D + d]) * X[t * D + d];
        h[j] = ref::apply_activation(a.act, s);
      }
      const double weight = a.renormalize ? p[e] / chosen : p[e];
      for (std::int64_t d = 0; d < D; ++d) {
        double s = B2[e * D + d];
        for (std::int64_t j = 0; j < H; ++j) s += static_cast<double>(W2[(e * D + d) * H + j]) * h[j];
        out[t * D + d] += weight * s;
      }
    }
  }
  return out;
}

void check(const MoeAttrs& a, const Tensor& x, const MoeWeights& w) {
  Node n{"moe", OpKind::moe, a, {"x", "g", "w1", "b1", "w2", "b2"}};
  const Tensor y = eval(n, {&x, &w.gate, &w.w1, &w.b1, &w.w2, &w.b2});
  ASSERT_EQ(y.shape(), x.shape());
  const auto want = moe_per_token(a, x, w);
  for (std::size_t i = 0; i < want.size(); ++i) ASSERT_NEAR(y.data<float>()[i], want[i], 1e-6 * (1 + std::abs(want[i]))) << i;
}

TEST(Moe, MatchesPerTokenLoop) {
  const int D = 6, E = 5, H = 7;
  const Tensor x = random_tensor({2, 9, D}, 20);
  const MoeWeights w = random_moe(D, E, H);
  MoeAttrs a{E, 2, H, Activation::gelu, false};
  check(a, x, w);
  a.renormalize = true;
  check(a, x, w);
  a.top_k = 1;
  a.act = Activation::relu;
  check(a, x, w);
  a.top_k = E;  // every expert: renormalised result equals the dense mixture
  check(a, x, w);
}

TEST(Moe, TiesGoToLowerIndexAndWeightsAreNotRenormalised) {
  // A zero gate makes all 4 experts equally likely (p = 1/4 each): top-2 must be experts 0
  // and 1. Experts are zero except fc2 bias, which is e+1 in every channel, so expert e
  // outputs e+1: output = 1/4·1 + 1/4·2 = 0.75 (renormalised: 1/2·1 + 1/2·2 = 1.5).
  const int D = 3, E = 4, H = 2;
  const Tensor x = random_tensor({1, 2, D}, 30);
  MoeWeights w{Tensor(DType::f32, {D, E}), Tensor(DType::f32, {E, H, D}), Tensor(DType::f32, {E, H}),
               Tensor(DType::f32, {E, D, H}), Tensor(DType::f32, {E, D})};
  for (int e = 0; e < E; ++e)
    for (int d = 0; d < D; ++d) w.b2.data<float>()[static_cast<std::size_t>(e * D + d)] = static_cast<float>(e + 1);
  Node n{"moe", OpKind::moe, MoeAttrs{E, 2, H, Activation::gelu, false}, {"x", "g", "w1", "b1", "w2", "b2"}};
  EXPECT_EQ(eval(n, {&x, &w.gate, &w.w1, &w.b1, &w.w2, &w.b2}), Tensor::from_f32({1, 2, D}, {0.75f, 0.75f, 0.75f, 0.75f, 0.75f, 0.75f}));
  n.attrs = MoeAttrs{E, 2, H, Activation::gelu, true};
  EXPECT_EQ(eval(n, {&x, &w.gate, &w.w1, &w.b1, &w.w2, &w.b2}), Tensor::from_f32({1, 2, D}, {1.5f, 1.5f, 1.5f, 1.5f, 1.5f, 1.5f}));
  // A partial tie: expert 3 leads, experts 1 and 2 tie for second → 3 and 1 are chosen.
  // Gate column e is the logit per unit of x[0]; x = [1, 0, 0].
  const Tensor x1 = Tensor::from_f32({1, 1, D}, {1, 0, 0});
  for (int e = 0; e < E; ++e) w.gate.data<float>()[static_cast<std::size_t>(e)] = std::array<float, 4>{0, 1, 1, 2}[e];
  n.attrs = MoeAttrs{E, 2, H, Activation::gelu, false};
  const double z = 1 + 2 * std::exp(1.0) + std::exp(2.0);
  const double want = (std::exp(2.0) * 4 + std::exp(1.0) * 2) / z;
  const Tensor y = eval(n, {&x1, &w.gate, &w.w1, &w.b1, &w.w2, &w.b2});
  for (float v : y.data<float>()) EXPECT_NEAR(v, want, 1e-6);
}

}  // namespace
}  // namespace eb
