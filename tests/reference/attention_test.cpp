// attention against a composition of separate steps computed here: split the packed qkv,
// per head S = Q·Kᵀ/√d, P = softmax(S), O = P·V, concatenate heads.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/reference/kernels.h"
#include "core/rng.h"
#include "core/shape_inference.h"
#include "tests/reference/eval.h"

namespace eb {
namespace {

using test::eval;

using Mat = std::vector<std::vector<double>>;

Mat matmul(const Mat& a, const Mat& b) {
  Mat c(a.size(), std::vector<double>(b[0].size(), 0.0));
  for (std::size_t i = 0; i < a.size(); ++i)
    for (std::size_t j = 0; j < b[0].size(); ++j)
      for (std::size_t k = 0; k < b.size(); ++k) c[i][j] += a[i][k] * b[k][j];
  return c;
}

Mat transpose(const Mat& a) {
  Mat t(a[0].size(), std::vector<double>(a.size()));
  for (std::size_t i = 0; i < a.size(); ++i)
    for (std::size_t j = 0; j < a[0].size(); ++j) t[j][i] = a[i][j];
  return t;
}

void softmax_rows(Mat& m) {
  for (auto& row : m) {
    double sum = 0;
    for (double& v : row) sum += v = std::exp(v);  // values here are small: no max needed
    for (double& v : row) v /= sum;
  }
}

TEST(Attention, MatchesComposition) {
  const int B = 2, T = 5, heads = 3, hd = 4, D = heads * hd;
  Tensor qkv(DType::f32, {B, T, 3 * D});
  Rng r(11);
  for (auto& v : qkv.data<float>()) v = r.uniform(-1.5f, 1.5f);
  Node n{"attn", OpKind::attention, AttentionAttrs{heads}, {"qkv"}};
  const Tensor y = eval(n, {&qkv});
  ASSERT_EQ(y.shape(), (Shape{B, T, D}));
  const auto X = qkv.data<float>();
  for (int b = 0; b < B; ++b)
    for (int h = 0; h < heads; ++h) {
      Mat q(T, std::vector<double>(hd)), k = q, v = q;
      for (int t = 0; t < T; ++t)
        for (int j = 0; j < hd; ++j) {
          const auto base = static_cast<std::size_t>((b * T + t) * 3 * D + h * hd + j);
          q[t][j] = X[base];
          k[t][j] = X[base + D];
          v[t][j] = X[base + 2 * D];
        }
      Mat s = matmul(q, transpose(k));
      for (auto& row : s)
        for (double& e : row) e /= std::sqrt(static_cast<double>(hd));
      softmax_rows(s);
      const Mat o = matmul(s, v);
      for (int t = 0; t < T; ++t)
        for (int j = 0; j < hd; ++j)
          ASSERT_NEAR(y.data<float>()[static_cast<std::size_t>((b * T + t) * D + h * hd + j)], o[t][j], 1e-6)
              << "b=" << b << " head=" << h << " t=" << t << " j=" << j;
    }
}

TEST(Attention, ByHand) {
  // One head of width 1, two tokens. q = k = [0, 0] → uniform attention: each output is
  // the mean of v = [2, 4] = 3. Scale 1/√1.
  const Tensor qkv = Tensor::from_f32({1, 2, 3}, {0, 0, 2, 0, 0, 4});
  Node n{"attn", OpKind::attention, AttentionAttrs{1}, {"qkv"}};
  EXPECT_EQ(eval(n, {&qkv}), Tensor::from_f32({1, 2, 1}, {3, 3}));
  // q = [ln 3, ln 3], k = [1, 0]: scores per query [ln 3, 0] → p = [3/4, 1/4] → 0.75·2 + 0.25·4 = 2.5
  const float l3 = static_cast<float>(std::log(3.0));
  const Tensor qkv2 = Tensor::from_f32({1, 2, 3}, {l3, 1, 2, l3, 0, 4});
  const Tensor y = eval(n, {&qkv2});
  EXPECT_NEAR(y.data<float>()[0], 2.5, 1e-6);
  EXPECT_NEAR(y.data<float>()[1], 2.5, 1e-6);
}

}  // namespace
}  // namespace eb
