// Activations at known points and edges, and broadcasting add / mul.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "core/reference/kernels.h"
#include "core/shape_inference.h"
#include "tests/reference/eval.h"

namespace eb {
namespace {

using test::eval;

TEST(Activation, GeluIsTheExactErfForm) {
  // x·Φ(x): Φ(1) = 0.8413447460685429, Φ(−1) = 0.15865525393145707, Φ(2) = 0.9772498680518208
  EXPECT_DOUBLE_EQ(ref::apply_activation(Activation::gelu, 0.0), 0.0);
  EXPECT_NEAR(ref::apply_activation(Activation::gelu, 1.0), 0.8413447460685429, 1e-15);
  EXPECT_NEAR(ref::apply_activation(Activation::gelu, -1.0), -0.15865525393145707, 1e-15);
  EXPECT_NEAR(ref::apply_activation(Activation::gelu, 2.0), 1.9544997361036416, 1e-15);
  // the tanh approximation gives 0.8411919906082768 at 1: far outside this tolerance
}

TEST(Activation, PiecewiseEdges) {
  using ref::apply_activation;
  EXPECT_EQ(apply_activation(Activation::relu, -0.5), 0.0);
  EXPECT_EQ(apply_activation(Activation::relu, 0.5), 0.5);
  EXPECT_EQ(apply_activation(Activation::relu6, -1), 0.0);
  EXPECT_EQ(apply_activation(Activation::relu6, 6), 6.0);
  EXPECT_EQ(apply_activation(Activation::relu6, 7.5), 6.0);
  EXPECT_EQ(apply_activation(Activation::relu6, 3.25), 3.25);
  // hardswish = x·relu6(x+3)/6: 0 at and below −3, x at and above 3, −0.375 at −1.5
  EXPECT_EQ(apply_activation(Activation::hardswish, -4), 0.0);
  EXPECT_EQ(apply_activation(Activation::hardswish, -3), 0.0);
  EXPECT_EQ(apply_activation(Activation::hardswish, -1.5), -0.375);
  EXPECT_EQ(apply_activation(Activation::hardswish, 0), 0.0);
  EXPECT_EQ(apply_activation(Activation::hardswish, 1), 1.0 * 4 / 6);
  EXPECT_EQ(apply_activation(Activation::hardswish, 3), 3.0);
  EXPECT_EQ(apply_activation(Activation::hardswish, 5), 5.0);
  // hardsigmoid = relu6(x+3)/6 (not PyTorch's old x/6+0.5 clamp, which agrees, nor
  // Keras' 0.2x+0.5, which does not: 0.7 at 1 instead of 2/3)
  EXPECT_EQ(apply_activation(Activation::hardsigmoid, -3), 0.0);
  EXPECT_EQ(apply_activation(Activation::hardsigmoid, 0), 0.5);
  EXPECT_EQ(apply_activation(Activation::hardsigmoid, 1), 4.0 / 6);
  EXPECT_EQ(apply_activation(Activation::hardsigmoid, 3), 1.0);
  EXPECT_EQ(apply_activation(Activation::hardsigmoid, 10), 1.0);
  EXPECT_EQ(apply_activation(Activation::sigmoid, 0), 0.5);
  EXPECT_NEAR(apply_activation(Activation::sigmoid, 2), 0.8807970779778823, 1e-15);
  EXPECT_EQ(apply_activation(Activation::none, -7.25), -7.25);
}

TEST(Unary, EachOpAppliesItsActivation) {
  const Tensor x = Tensor::from_f32({2, 3}, {-4, -1.5f, 0, 1, 3, 7});
  const struct {
    OpKind op;
    std::vector<float> want;
  } cases[] = {
      {OpKind::relu, {0, 0, 0, 1, 3, 7}},
      {OpKind::relu6, {0, 0, 0, 1, 3, 6}},
      {OpKind::hardswish, {0, -0.375f, 0, static_cast<float>(4.0 / 6), 3, 7}},
      {OpKind::hardsigmoid, {0, 0.25f, 0.5f, static_cast<float>(4.0 / 6), 1, 1}},
      {OpKind::sigmoid,
       {static_cast<float>(1 / (1 + std::exp(4.0))), static_cast<float>(1 / (1 + std::exp(1.5))), 0.5f,
        static_cast<float>(1 / (1 + std::exp(-1.0))), static_cast<float>(1 / (1 + std::exp(-3.0))),
        static_cast<float>(1 / (1 + std::exp(-7.0)))}},
      {OpKind::gelu,
       {static_cast<float>(-4 * 0.5 * std::erfc(4 / std::sqrt(2.0))), static_cast<float>(-1.5 * 0.5 * std::erfc(1.5 / std::sqrt(2.0))),
        0, 0.8413447460685429f, static_cast<float>(3 * 0.5 * std::erfc(-3 / std::sqrt(2.0))),
        static_cast<float>(7 * 0.5 * std::erfc(-7 / std::sqrt(2.0)))}},
  };
  for (const auto& c : cases) {
    Node n{"u", c.op, NoAttrs{}, {"x"}};
    const Tensor y = eval(n, {&x});
    ASSERT_EQ(y.shape(), x.shape());
    for (std::size_t i = 0; i < 6; ++i) EXPECT_FLOAT_EQ(y.data<float>()[i], c.want[i]) << op_name(c.op) << " " << i;
  }
}

TEST(Binary, BroadcastingAdd) {
  // a[2,3] + b[3] (row vector), a[2,3] + c[2,1] (column vector), d[1,3] + e[2,1] → [2,3]
  const Tensor a = Tensor::from_f32({2, 3}, {1, 2, 3, 4, 5, 6});
  const Tensor b = Tensor::from_f32({3}, {10, 20, 30});
  const Tensor c = Tensor::from_f32({2, 1}, {100, 200});
  const Tensor d = Tensor::from_f32({1, 3}, {1, 2, 3});
  Node n{"add", OpKind::add, NoAttrs{}, {"l", "r"}};
  EXPECT_EQ(eval(n, {&a, &b}), Tensor::from_f32({2, 3}, {11, 22, 33, 14, 25, 36}));
  EXPECT_EQ(eval(n, {&b, &a}), Tensor::from_f32({2, 3}, {11, 22, 33, 14, 25, 36}));
  EXPECT_EQ(eval(n, {&a, &c}), Tensor::from_f32({2, 3}, {101, 102, 103, 204, 205, 206}));
  EXPECT_EQ(eval(n, {&d, &c}), Tensor::from_f32({2, 3}, {101, 102, 103, 201, 202, 203}));
  EXPECT_EQ(eval(n, {&a, &a}), Tensor::from_f32({2, 3}, {2, 4, 6, 8, 10, 12}));
}

TEST(Binary, BroadcastingMulNchwByChannel) {
  // Squeeze-excite style: x[1,2,2,2] · s[1,2,1,1] scales each channel.
  const Tensor x = Tensor::from_f32({1, 2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
  const Tensor s = Tensor::from_f32({1, 2, 1, 1}, {0.5f, -2});
  Node n{"mul", OpKind::mul, NoAttrs{}, {"x", "s"}};
  EXPECT_EQ(eval(n, {&x, &s}), Tensor::from_f32({1, 2, 2, 2}, {0.5f, 1, 1.5f, 2, -10, -12, -14, -16}));
  // a middle broadcast dimension: [2,1,2] · [1,3,1] → [2,3,2], y[i][j][k] = a[i][k]·b[j]
  const Tensor a = Tensor::from_f32({2, 1, 2}, {1, 2, 3, 4});
  const Tensor b = Tensor::from_f32({1, 3, 1}, {1, 10, 100});
  EXPECT_EQ(eval(n, {&a, &b}),
            Tensor::from_f32({2, 3, 2}, {1, 2, 10, 20, 100, 200, 3, 4, 30, 40, 300, 400}));
  const Tensor scalar = Tensor::from_f32({1}, {3});
  EXPECT_EQ(eval(n, {&scalar, &a}), Tensor::from_f32({2, 1, 2}, {3, 6, 9, 12}));
}

}  // namespace
}  // namespace eb
