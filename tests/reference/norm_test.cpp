// softmax, layernorm and global average pooling against hand-computed values.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/reference/kernels.h"
#include "core/shape_inference.h"
#include "tests/reference/eval.h"

namespace eb {
namespace {

using test::eval;

void expect_near(const Tensor& got, const std::vector<double>& want, double tol = 1e-7) {
  const auto g = got.data<float>();
  ASSERT_EQ(g.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(g[i], want[i], tol) << "element " << i;
}

TEST(Softmax, LastAxisByHand) {
  // softmax([0, ln 3]) = [1/4, 3/4]; softmax([1000, 1000, 1000]) = 1/3 each (needs the
  // max subtraction: exp(1000) overflows)
  const Tensor x = Tensor::from_f32({2, 2}, {0, static_cast<float>(std::log(3.0)), 5, 5});
  Node n{"sm", OpKind::softmax, SoftmaxAttrs{-1}, {"x"}};
  expect_near(eval(n, {&x}), {0.25, 0.75, 0.5, 0.5});
  const Tensor big = Tensor::from_f32({1, 3}, {1000, 1000, 1000});
  expect_near(eval(n, {&big}), {1 / 3.0, 1 / 3.0, 1 / 3.0});
}

TEST(Softmax, MiddleAxis) {
  // x[1,2,3], axis 1: pairs (x[0][0][k], x[0][1][k]) = (0, 0), (0, ln 3), (ln 3, 0)
  const float l3 = static_cast<float>(std::log(3.0));
  const Tensor x = Tensor::from_f32({1, 2, 3}, {0, 0, l3, 0, l3, 0});
  Node n{"sm", OpKind::softmax, SoftmaxAttrs{1}, {"x"}};
  expect_near(eval(n, {&x}), {0.5, 0.25, 0.75, 0.5, 0.75, 0.25});
  n.attrs = SoftmaxAttrs{-2};
  expect_near(eval(n, {&x}), {0.5, 0.25, 0.75, 0.5, 0.75, 0.25});
}

TEST(LayerNorm, ByHand) {
  // row [1, 2, 3, 4]: mean 2.5, biased variance 1.25 → (x−2.5)/√(1.25+ε);
  // γ = [1, 1, 2, 2], β = [0, 0, 0, 1]. ε = 0.75 makes the denominator exactly √2.
  // row [5, 5, 5, 5]: zero variance → β.
  const Tensor x = Tensor::from_f32({2, 4}, {1, 2, 3, 4, 5, 5, 5, 5});
  const Tensor g = Tensor::from_f32({4}, {1, 1, 2, 2});
  const Tensor b = Tensor::from_f32({4}, {0, 0, 0, 1});
  Node n{"ln", OpKind::layernorm, LayerNormAttrs{0.75f}, {"x", "g", "b"}};
  const double r2 = std::sqrt(2.0);
  expect_near(eval(n, {&x, &g, &b}), {-1.5 / r2, -0.5 / r2, 2 * 0.5 / r2, 2 * 1.5 / r2 + 1, 0, 0, 0, 1});
}

TEST(LayerNorm, LargeOffsetNeedsTwoPassVariance) {
  // values 1e4 + {−1, 1}: a one-pass E[x²]−E[x]² in float loses everything; in double
  // with two passes: mean 1e4, variance 1, eps 0 → [−1, 1].
  const Tensor x = Tensor::from_f32({1, 2}, {9999, 10001});
  const Tensor g = Tensor::from_f32({2}, {1, 1});
  const Tensor b = Tensor::from_f32({2}, {0, 0});
  Node n{"ln", OpKind::layernorm, LayerNormAttrs{0}, {"x", "g", "b"}};
  expect_near(eval(n, {&x, &g, &b}), {-1, 1}, 1e-6);
}

TEST(GlobalAvgPool, ByHand) {
  // two channels of 2x3: means 3.5 and −1/6
  const Tensor x = Tensor::from_f32({1, 2, 2, 3}, {1, 2, 3, 4, 5, 6, 0, 0, 0, 0, 0, -1});
  Node n{"gap", OpKind::global_avg_pool, NoAttrs{}, {"x"}};
  const Tensor y = eval(n, {&x});
  EXPECT_EQ(y.shape(), (Shape{1, 2, 1, 1}));
  expect_near(y, {3.5, -1.0 / 6});
}

}  // namespace
}  // namespace eb
