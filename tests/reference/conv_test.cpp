// conv2d against an independent im2col + matrix-multiply formulation written here, and
// against values worked out by hand.
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
using test::random_tensor;

// im2col: column r = (c, ky, kx) of group g, row p = (oy, ox); padded taps are zero.
// Then out[o, p] = Σ_r w[o, r]·col[r, p] + bias, then batch norm, then activation.
std::vector<double> conv_im2col(const Conv2dAttrs& a, const Tensor& x, const Tensor& w, const float* bias,
                                const float* bn /* gamma, beta, mean, var consecutively, each O long */, Shape& out_shape) {
  const auto N = x.dim(0), C = x.dim(1), H = x.dim(2), W = x.dim(3);
  const auto O = w.dim(0), CG = w.dim(1), KH = w.dim(2), KW = w.dim(3);
  const auto OH = (H + a.pad[0] + a.pad[2] - (a.dilation[0] * (KH - 1) + 1)) / a.stride[0] + 1;
  const auto OW = (W + a.pad[1] + a.pad[3] - (a.dilation[1] * (KW - 1) + 1)) / a.stride[1] + 1;
  out_shape = {N, O, OH, OW};
  const auto OG = O / a.groups, R = CG * KH * KW, P = OH * OW;
  const auto xv = x.data<float>();
  const auto wv = w.data<float>();
  std::vector<double> out(static_cast<std::size_t>(N * O * P));
  for (std::int64_t n = 0; n < N; ++n)
    for (std::int64_t g = 0; g < a.groups; ++g) {
      std::vector<double> col(static_cast<std::size_t>(R * P), 0.0);
      for (std::int64_t c = 0; c < CG; ++c)
        for (std::int64_t ky = 0; ky < KH; ++ky)
          for (std::int64_t kx = 0; kx < KW; ++kx)
            for (std::int64_t oy = 0; oy < OH; ++oy)
              for (std::int64_t ox = 0; ox < OW; ++ox) {
                const auto iy = oy * a.stride[0] - a.pad[0] + ky * a.dilation[0];
                const auto ix = ox * a.stride[1] - a.pad[1] + kx * a.dilation[1];
                if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                col[static_cast<std::size_t>(((c * KH + ky) * KW + kx) * P + oy * OW + ox)] =
                    xv[static_cast<std::size_t>(((n * C + g * CG + c) * H + iy) * W + ix)];
              }
      for (std::int64_t oo = 0; oo < OG; ++oo) {
        const auto o = g * OG + oo;
        for (std::int64_t p = 0; p < P; ++p) {
          double s = 0;
          for (std::int64_t r = 0; r < R; ++r)
            s += static_cast<double>(wv[static_cast<std::size_t>(o * R + r)]) * col[static_cast<std::size_t>(r * P + p)];
          if (bias) s += bias[o];
          if (bn) s = bn[o] * (s - bn[2 * O + o]) / std::sqrt(static_cast<double>(bn[3 * O + o]) + a.bn_eps) + bn[O + o];
          out[static_cast<std::size_t>((n * O + o) * P + p)] = ref::apply_activation(a.act, s);
        }
      }
    }
  return out;
}

struct ConvCase {
  const char* name;
  Shape x;
  Shape w;
  Conv2dAttrs attrs;
};
// What gtest prints for GetParam() (without it, the struct's bytes).
void PrintTo(const ConvCase& c, std::ostream* os) { *os << c.name; }

class ConvVsIm2col : public ::testing::TestWithParam<ConvCase> {};

TEST_P(ConvVsIm2col, Matches) {
  const ConvCase& c = GetParam();
  Conv2dAttrs a = c.attrs;
  const Tensor x = random_tensor(c.x, 1);
  const Tensor w = random_tensor(c.w, 2);
  const Tensor b = random_tensor({c.w[0]}, 3);
  Tensor bn(DType::f32, {4 * c.w[0]});
  {
    Rng r(4);
    auto v = bn.data<float>();
    for (std::int64_t i = 0; i < c.w[0]; ++i) {
      v[static_cast<std::size_t>(i)] = r.uniform(0.5f, 1.5f);                 // gamma
      v[static_cast<std::size_t>(c.w[0] + i)] = r.uniform(-0.5f, 0.5f);       // beta
      v[static_cast<std::size_t>(2 * c.w[0] + i)] = r.uniform(-0.2f, 0.2f);   // mean
      v[static_cast<std::size_t>(3 * c.w[0] + i)] = r.uniform(0.1f, 2.0f);    // var
    }
  }
  std::vector<Tensor> bn_parts;
  for (int i = 0; i < 4; ++i) {
    const auto s = bn.data<float>().subspan(static_cast<std::size_t>(i * c.w[0]), static_cast<std::size_t>(c.w[0]));
    bn_parts.push_back(Tensor::from_f32({c.w[0]}, s));
  }
  Node n{"conv", OpKind::conv2d, a, {"x", "w"}};
  std::vector<const Tensor*> in{&x, &w};
  if (a.has_bias) {
    n.inputs.push_back("b");
    in.push_back(&b);
  }
  if (a.has_batch_norm)
    for (int i = 0; i < 4; ++i) {
      n.inputs.push_back("bn" + std::to_string(i));
      in.push_back(&bn_parts[static_cast<std::size_t>(i)]);
    }
  const Tensor y = eval(n, in);
  Shape want_shape;
  const auto want = conv_im2col(a, x, w, a.has_bias ? b.data<float>().data() : nullptr,
                                a.has_batch_norm ? bn.data<float>().data() : nullptr, want_shape);
  ASSERT_EQ(y.shape(), want_shape);
  const auto got = y.data<float>();
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i)
    ASSERT_NEAR(got[i], want[i], 1e-6 * (1 + std::abs(want[i]))) << c.name << " at " << i;
}

Conv2dAttrs attrs(std::array<int, 2> stride, std::array<int, 4> pad, std::array<int, 2> dil, int groups,
                  Activation act = Activation::none, bool bias = false, bool bn = false) {
  Conv2dAttrs a;
  a.stride = stride;
  a.pad = pad;
  a.dilation = dil;
  a.groups = groups;
  a.act = act;
  a.has_bias = bias;
  a.has_batch_norm = bn;
  return a;
}

INSTANTIATE_TEST_SUITE_P(
    Reference, ConvVsIm2col,
    ::testing::Values(
        ConvCase{"3x3 same", {1, 3, 7, 6}, {5, 3, 3, 3}, attrs({1, 1}, {1, 1, 1, 1}, {1, 1}, 1)},
        ConvCase{"1x1 bias relu6, 9 out channels (partial block)", {2, 6, 5, 4}, {9, 6, 1, 1},
                 attrs({1, 1}, {0, 0, 0, 0}, {1, 1}, 1, Activation::relu6, true)},
        ConvCase{"stride 2, TF SAME asymmetric padding", {1, 4, 8, 9}, {6, 4, 3, 3},
                 attrs({2, 2}, {0, 0, 1, 1}, {1, 1}, 1, Activation::hardswish, true)},
        ConvCase{"stride (2,1), odd padding", {1, 2, 9, 7}, {3, 2, 5, 3}, attrs({2, 1}, {2, 0, 1, 2}, {1, 1}, 1)},
        ConvCase{"dilation 2", {1, 3, 9, 10}, {4, 3, 3, 3}, attrs({1, 1}, {2, 2, 2, 2}, {2, 2}, 1)},
        ConvCase{"dilation (3,2), stride 2", {1, 2, 12, 11}, {2, 2, 3, 2}, attrs({2, 2}, {1, 0, 3, 1}, {3, 2}, 1)},
        ConvCase{"depthwise 3x3", {1, 8, 6, 6}, {8, 1, 3, 3}, attrs({1, 1}, {1, 1, 1, 1}, {1, 1}, 8, Activation::relu, true)},
        ConvCase{"depthwise 5x5 stride 2 asymmetric", {1, 5, 11, 10}, {5, 1, 5, 5},
                 attrs({2, 2}, {1, 1, 2, 2}, {1, 1}, 5)},
        ConvCase{"depthwise multiplier 2", {1, 3, 5, 5}, {6, 1, 3, 3}, attrs({1, 1}, {1, 1, 1, 1}, {1, 1}, 3)},
        ConvCase{"grouped, 2 groups", {1, 6, 5, 5}, {10, 3, 3, 3}, attrs({1, 1}, {0, 1, 0, 1}, {1, 1}, 2, Activation::none, true)},
        ConvCase{"grouped with batch norm", {2, 4, 6, 5}, {8, 2, 3, 3},
                 attrs({1, 1}, {1, 1, 1, 1}, {1, 1}, 2, Activation::relu, true, true)},
        ConvCase{"batch norm, no bias, sigmoid", {1, 3, 4, 4}, {5, 3, 1, 1},
                 attrs({1, 1}, {0, 0, 0, 0}, {1, 1}, 1, Activation::sigmoid, false, true)},
        ConvCase{"kernel wider than input row with padding", {1, 1, 3, 2}, {2, 1, 3, 5},
                 attrs({1, 1}, {1, 2, 1, 2}, {1, 1}, 1)}),
    [](const auto& info) {
      std::string s;
      for (char ch : std::string(info.param.name)) s += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
      return s;
    });

TEST(Conv2d, HandComputed) {
  // x (1 channel, 3x3):  1 2 3      w (2x2):  1 0     stride 1, no padding:
  //                      4 5 6                0 -1    y[i][j] = x[i][j] − x[i+1][j+1] = −4 everywhere
  //                      7 8 9
  // bias 0.5 → −3.5; with relu → 0. Second output channel w = all ones, bias 0:
  // 1+2+4+5 = 12, 2+3+5+6 = 16, 4+5+7+8 = 24, 5+6+8+9 = 28.
  const Tensor x = Tensor::from_f32({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  const Tensor w = Tensor::from_f32({2, 1, 2, 2}, {1, 0, 0, -1, 1, 1, 1, 1});
  const Tensor b = Tensor::from_f32({2}, {0.5f, 0});
  Conv2dAttrs a;
  a.has_bias = true;
  Node n{"c", OpKind::conv2d, a, {"x", "w", "b"}};
  EXPECT_EQ(eval(n, {&x, &w, &b}), Tensor::from_f32({1, 2, 2, 2}, {-3.5f, -3.5f, -3.5f, -3.5f, 12, 16, 24, 28}));
  a.act = Activation::relu;
  n.attrs = a;
  EXPECT_EQ(eval(n, {&x, &w, &b}), Tensor::from_f32({1, 2, 2, 2}, {0, 0, 0, 0, 12, 16, 24, 28}));
}

TEST(Conv2d, AsymmetricPaddingByHand) {
  // 1x1 kernel of weight 1, stride 2, padding bottom/right 1 on a 3x3 input: samples
  // rows/cols 0 and 2 → x[0][0], x[0][2], x[2][0], x[2][2]. With padding top/left 1
  // instead, the first sample is padding (0) and the others rows/cols 1: 0, 0, 0, x[1][1].
  const Tensor x = Tensor::from_f32({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  const Tensor w = Tensor::from_f32({1, 1, 1, 1}, {1});
  Conv2dAttrs a;
  a.stride = {2, 2};
  a.pad = {0, 0, 1, 1};
  Node n{"c", OpKind::conv2d, a, {"x", "w"}};
  EXPECT_EQ(eval(n, {&x, &w}), Tensor::from_f32({1, 1, 2, 2}, {1, 3, 7, 9}));
  a.pad = {1, 1, 0, 0};
  n.attrs = a;
  EXPECT_EQ(eval(n, {&x, &w}), Tensor::from_f32({1, 1, 2, 2}, {0, 0, 0, 5}));
}

TEST(Conv2d, BatchNormByHand) {
  // One channel, 1x1 kernel of weight 2, bias 1, x = 3 → conv = 7.
  // γ=2, β=0.5, μ=1, σ²=3.999, ε=0.001 → 2·(7−1)/2 + 0.5 = 6.5
  const Tensor x = Tensor::from_f32({1, 1, 1, 1}, {3});
  const Tensor w = Tensor::from_f32({1, 1, 1, 1}, {2});
  const Tensor b = Tensor::from_f32({1}, {1});
  const Tensor g = Tensor::from_f32({1}, {2}), be = Tensor::from_f32({1}, {0.5f}), m = Tensor::from_f32({1}, {1}),
               v = Tensor::from_f32({1}, {3.999f});
  Conv2dAttrs a;
  a.has_bias = true;
  a.has_batch_norm = true;
  a.bn_eps = 0.001f;
  Node n{"c", OpKind::conv2d, a, {"x", "w", "b", "g", "be", "m", "v"}};
  const Tensor y = eval(n, {&x, &w, &b, &g, &be, &m, &v});
  EXPECT_NEAR(y.data<float>()[0], 6.5, 1e-6);
}

TEST(EvalNode, RejectsWrongShapesAndDtypes) {
  const Tensor x = Tensor::from_f32({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  const Tensor w = Tensor::from_f32({1, 2, 1, 1}, {1, 1});
  Node n{"bad_conv", OpKind::conv2d, Conv2dAttrs{}, {"x", "w"}};
  std::vector<const Tensor*> in{&x, &w};
  try {
    ref::eval_node(n, in, {1, 1, 3, 3});
    FAIL() << "expected an exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("bad_conv"), std::string::npos) << e.what();
  }
  const Tensor w1 = Tensor::from_f32({1, 1, 1, 1}, {1});
  in = {&x, &w1};
  EXPECT_THROW(ref::eval_node(n, in, {1, 1, 2, 2}), std::invalid_argument);  // wrong requested shape
  const Tensor xi = x.to(DType::i32);
  in = {&xi, &w1};
  EXPECT_THROW(ref::eval_node(n, in, {1, 1, 3, 3}), std::invalid_argument);  // not f32
}

}  // namespace
}  // namespace eb
