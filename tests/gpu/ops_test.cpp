// Every operator on the gpu backend against the reference backend, in fp32, fp16 and
// bf16, within the backend's tolerances (relative L2: fp32 1e-4, fp16/bf16 1e-2). Each
// case is a small graph exercising the awkward corners: asymmetric padding, groups,
// dilation, broadcasting, odd sizes, every resize mode, MoE routing.
//
// In fp16/bf16 the inputs and weights are first rounded to the storage type and both
// backends compute on those same values: the test measures the arithmetic, not the input
// rounding — which matters for MoE, where rounding a token can legitimately change its
// top-k experts and with them the whole output row.
//
// Skipped, with the probe's reason ("no CUDA device: ..."), where no GPU is usable.
#ifdef EB_HAVE_GPU
#include <gtest/gtest.h>

#include <functional>

#include "core/reference/reference_backend.h"
#include "core/seeded_init.h"
#include "tests/gpu/gpu_test_support.h"

namespace eb {

// What gtest prints for GetParam() (without it, the enum's byte); in Precision's own
// namespace, where gtest looks for it.
void PrintTo(Precision p, std::ostream* os) { *os << precision_name(p); }

namespace {

using Build = std::function<void(GraphBuilder&)>;

struct OpCase {
  const char* name;
  Build build;
  float lo = -1.0f, hi = 1.0f;  // input range
};

std::string uniform_weight(GraphBuilder& b, const std::string& name, Shape shape, double r = 1.0) {
  return b.weight(name, std::move(shape), WeightInit::uniform(-r, r));
}

Build conv(Shape x, Shape w, Conv2dAttrs a) {
  return [=](GraphBuilder& b) {
    std::vector<std::string> in = {b.input("x", x), uniform_weight(b, "w", w, 0.5)};
    if (a.has_bias) in.push_back(uniform_weight(b, "bias", {w[0]}));
    b.output(b.add(OpKind::conv2d, a, in, "y"));
  };
}

Conv2dAttrs conv_attrs(std::array<int, 2> stride, std::array<int, 4> pad, int groups, Activation act, bool bias,
                       std::array<int, 2> dilation = {1, 1}) {
  Conv2dAttrs a;
  a.stride = stride;
  a.pad = pad;
  a.groups = groups;
  a.act = act;
  a.has_bias = bias;
  a.dilation = dilation;
  return a;
}

Build linear(Shape x, std::int64_t n, Activation act, bool bias) {
  return [=](GraphBuilder& b) {
    std::vector<std::string> in = {b.input("x", x), uniform_weight(b, "w", {n, x.back()}, 0.5)};
    if (bias) in.push_back(uniform_weight(b, "bias", {n}));
    b.output(b.add(OpKind::linear, LinearAttrs{act, bias}, in, "y"));
  };
}

Build matmul(Shape a, Shape c, bool tb) {
  return [=](GraphBuilder& b) {
    b.output(b.add(OpKind::matmul, MatmulAttrs{tb}, {b.input("a", a), b.input("b", c)}, "y"));
  };
}

Build unary(OpKind op) {
  return [=](GraphBuilder& b) { b.output(b.add(op, NoAttrs{}, {b.input("x", {2, 3, 5, 7})}, "y")); };
}

Build binary(OpKind op, Shape a, Shape c) {
  return [=](GraphBuilder& b) { b.output(b.add(op, NoAttrs{}, {b.input("a", a), b.input("b", c)}, "y")); };
}

Build resize(ResizeAttrs a, Shape x) {
  return [=](GraphBuilder& b) { b.output(b.add(OpKind::resize_bilinear, a, {b.input("x", x)}, "y")); };
}

Build moe(std::int64_t batch, std::int64_t tokens, std::int64_t d, int experts, int top_k, int hidden, bool renormalize) {
  return [=](GraphBuilder& b) {
    MoeAttrs a;
    a.experts = experts;
    a.top_k = top_k;
    a.hidden = hidden;
    a.renormalize = renormalize;
    const std::int64_t E = experts, H = hidden;
    b.output(b.add(OpKind::moe, a,
                   {b.input("x", {batch, tokens, d}), uniform_weight(b, "gate", {d, E}, 1.0),
                    uniform_weight(b, "w1", {E, H, d}, 0.5), uniform_weight(b, "b1", {E, H}),
                    uniform_weight(b, "w2", {E, d, H}, 0.5), uniform_weight(b, "b2", {E, d})},
                   "y"));
  };
}

std::vector<OpCase> cases() {
  using A = Activation;
  std::vector<OpCase> c;
  c.push_back({"conv3x3_bias_relu", conv({2, 8, 9, 11}, {16, 8, 3, 3}, conv_attrs({1, 1}, {1, 1, 1, 1}, 1, A::relu, true))});
  c.push_back({"conv3x3_s2_same_asym_relu6",
               conv({2, 8, 10, 12}, {16, 8, 3, 3}, conv_attrs({2, 2}, {0, 0, 1, 1}, 1, A::relu6, true))});
  c.push_back({"conv_asym_top_left", conv({1, 4, 7, 7}, {6, 4, 2, 2}, conv_attrs({1, 1}, {1, 1, 0, 0}, 1, A::none, true))});
  c.push_back({"depthwise3x3_s2_hardswish",
               conv({2, 12, 9, 9}, {12, 1, 3, 3}, conv_attrs({2, 2}, {1, 1, 1, 1}, 12, A::hardswish, true))});
  c.push_back({"depthwise5x5_same_asym", conv({1, 6, 8, 8}, {6, 1, 5, 5}, conv_attrs({2, 2}, {1, 1, 2, 2}, 6, A::relu6, true))});
  c.push_back({"conv1x1_nobias", conv({2, 16, 5, 6}, {24, 16, 1, 1}, conv_attrs({1, 1}, {0, 0, 0, 0}, 1, A::none, false))});
  c.push_back({"conv_grouped_sigmoid", conv({1, 8, 6, 6}, {6, 4, 3, 3}, conv_attrs({1, 1}, {1, 1, 1, 1}, 2, A::sigmoid, true))});
  c.push_back({"conv_dilated_gelu",
               conv({1, 4, 11, 11}, {4, 4, 3, 3}, conv_attrs({1, 1}, {2, 2, 2, 2}, 1, A::gelu, true, {2, 2}))});
  c.push_back({"conv_patch16", conv({2, 3, 32, 48}, {8, 3, 16, 16}, conv_attrs({16, 16}, {0, 0, 0, 0}, 1, A::none, true))});
  c.push_back({"conv_relu_nobias", conv({1, 3, 6, 6}, {4, 3, 3, 3}, conv_attrs({1, 1}, {1, 1, 1, 1}, 1, A::relu, false))});
  c.push_back({"linear_bias_gelu", linear({2, 7, 24}, 40, A::gelu, true)});
  c.push_back({"linear_bias_relu", linear({5, 16}, 12, A::relu, true)});
  c.push_back({"linear_nobias_odd_k", linear({5, 3}, 4, A::hardswish, false)});
  c.push_back({"linear_nobias_relu", linear({3, 8}, 8, A::relu, false)});
  c.push_back({"matmul_batched", matmul({2, 3, 5, 4}, {2, 3, 4, 6}, false)});
  c.push_back({"matmul_transpose_b", matmul({2, 5, 4}, {2, 6, 4}, true)});
  c.push_back({"matmul_shared_b", matmul({3, 5, 4}, {4, 6}, false)});
  c.push_back({"matmul_shared_a", matmul({5, 4}, {3, 4, 6}, false)});
  c.push_back({"layernorm", [](GraphBuilder& b) {
                 b.output(b.add(OpKind::layernorm, LayerNormAttrs{1e-6f},
                                {b.input("x", {2, 9, 48}), uniform_weight(b, "g", {48}), uniform_weight(b, "b", {48})}, "y"));
               }});
  c.push_back({"softmax_last", [](GraphBuilder& b) {
                 b.output(b.add(OpKind::softmax, SoftmaxAttrs{-1}, {b.input("x", {3, 17})}, "y"));
               }, -4.0f, 4.0f});
  c.push_back({"softmax_middle", [](GraphBuilder& b) {
                 b.output(b.add(OpKind::softmax, SoftmaxAttrs{1}, {b.input("x", {2, 5, 7})}, "y"));
               }, -4.0f, 4.0f});
  for (OpKind op : {OpKind::gelu, OpKind::relu, OpKind::relu6, OpKind::hardswish, OpKind::hardsigmoid, OpKind::sigmoid})
    c.push_back({op_name(op).data(), unary(op), -7.0f, 7.0f});
  c.push_back({"add_same", binary(OpKind::add, {2, 3, 4, 5}, {2, 3, 4, 5})});
  c.push_back({"add_broadcast", binary(OpKind::add, {2, 3, 4, 5}, {3, 1, 5})});
  c.push_back({"mul_channel", binary(OpKind::mul, {2, 8, 5, 5}, {2, 8, 1, 1})});
  c.push_back({"mul_scalar_like", binary(OpKind::mul, {1}, {4, 3})});
  c.push_back({"concat_channels", [](GraphBuilder& b) {
                 b.output(b.add(OpKind::concat, ConcatAttrs{1},
                                {b.input("a", {2, 3, 4, 5}), b.input("b", {2, 1, 4, 5}), b.input("c", {2, 6, 4, 5})}, "y"));
               }});
  c.push_back({"concat_last_with_weight", [](GraphBuilder& b) {
                 b.output(b.add(OpKind::concat, ConcatAttrs{-1}, {b.input("a", {3, 4}), uniform_weight(b, "w", {3, 2})}, "y"));
               }});
  c.push_back({"reshape_transpose", [](GraphBuilder& b) {
                 const auto r = b.add(OpKind::reshape, ReshapeAttrs{{2, 12, 5}}, {b.input("x", {2, 3, 4, 5})}, "r");
                 b.output(b.add(OpKind::transpose, TransposeAttrs{{0, 2, 1}}, {r}, "y"));
               }});
  c.push_back({"transpose_4d", [](GraphBuilder& b) {
                 b.output(b.add(OpKind::transpose, TransposeAttrs{{2, 0, 3, 1}}, {b.input("x", {2, 3, 4, 5})}, "y"));
               }});
  c.push_back({"slice_middle", [](GraphBuilder& b) {
                 b.output(b.add(OpKind::slice, SliceAttrs{1, 1, 4}, {b.input("x", {2, 5, 6})}, "y"));
               }});
  c.push_back({"resize_half_pixel_up", resize({10, 14, false, true}, {2, 3, 5, 7})});
  c.push_back({"resize_half_pixel_down", resize({3, 4, false, true}, {1, 2, 7, 9})});
  c.push_back({"resize_align_corners", resize({9, 5, true, false}, {1, 3, 4, 6})});
  c.push_back({"resize_asymmetric", resize({8, 11, false, false}, {1, 2, 5, 4})});
  c.push_back({"global_avg_pool", [](GraphBuilder& b) {
                 b.output(b.add(OpKind::global_avg_pool, NoAttrs{}, {b.input("x", {2, 6, 5, 7})}, "y"));
               }});
  c.push_back({"attention", [](GraphBuilder& b) {
                 b.output(b.add(OpKind::attention, AttentionAttrs{3}, {b.input("x", {2, 9, 72})}, "y"));
               }, -2.0f, 2.0f});
  c.push_back({"attention_one_head_long", [](GraphBuilder& b) {
                 b.output(b.add(OpKind::attention, AttentionAttrs{1}, {b.input("x", {1, 70, 48})}, "y"));
               }});
  c.push_back({"moe_top2", moe(2, 11, 16, 8, 2, 24, false)});
  c.push_back({"moe_top2_renormalized", moe(1, 13, 16, 4, 2, 8, true)});
  c.push_back({"moe_top1_many_experts", moe(2, 5, 8, 16, 1, 12, false)});
  c.push_back({"chain_reuses_arena", [](GraphBuilder& b) {
                 // A long chain: intermediate buffers are recycled by the arena.
                 std::string x = b.input("x", {2, 4, 6, 6});
                 for (int i = 0; i < 6; ++i) {
                   Conv2dAttrs a = conv_attrs({1, 1}, {1, 1, 1, 1}, 1, Activation::relu6, true);
                   const auto w = uniform_weight(b, "w" + std::to_string(i), {4, 4, 3, 3}, 0.3);
                   const auto bias = uniform_weight(b, "b" + std::to_string(i), {4}, 0.1);
                   const auto y = b.add(OpKind::conv2d, a, {x, w, bias}, "c" + std::to_string(i));
                   x = b.add(OpKind::add, NoAttrs{}, {x, y}, "r" + std::to_string(i));
                 }
                 b.output(x);
               }});
  return c;
}

class GpuOps : public ::testing::TestWithParam<Precision> {};

TEST_P(GpuOps, MatchReference) {
  EB_REQUIRE_GPU();
  const Precision p = GetParam();
  const auto gpu = make_gpu_backend();
  const auto ref = make_reference_backend();
  for (const OpCase& c : cases()) {
    SCOPED_TRACE(c.name);
    GraphBuilder b(c.name);
    c.build(b);
    const Graph g = b.finish();
    Weights w = init_weights(g, 7);
    std::vector<Tensor> in = random_inputs(g, 11, c.lo, c.hi);
    if (p != Precision::fp32) {
      const DType t = p == Precision::fp16 ? DType::f16 : DType::bf16;
      for (auto& x : in) x = x.to(t).to(DType::f32);
      for (const auto& name : w.names()) w.set(name, w.get(name).to(t).to(DType::f32));
    }
    const auto want = gpu_test::run_on(*ref, g, w, in, {});
    const auto got = gpu_test::run_on(*gpu, g, w, in, gpu_test::gpu_options(p));
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      ASSERT_EQ(got[i].shape(), want[i].shape());
      EXPECT_LT(gpu_test::relative_l2(got[i], want[i]), gpu_test::tolerance(p)) << "output " << i;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Precisions, GpuOps, ::testing::Values(Precision::fp32, Precision::fp16, Precision::bf16),
                         [](const auto& info) { return std::string(precision_name(info.param)); });

// TF32 is off by default: fp32 products must not lose precision to it. With it on, the
// result is still within fp16-class bounds.
TEST(GpuOpsTf32, OffByDefaultOnWhenAsked) {
  EB_REQUIRE_GPU();
  GraphBuilder b("tf32");
  linear({64, 256}, 128, Activation::none, true)(b);
  const Graph g = b.finish();
  const Weights w = init_weights(g, 3);
  const auto in = random_inputs(g, 4);
  const auto want = gpu_test::run_on(*make_reference_backend(), g, w, in, {});
  CompileOptions o = gpu_test::gpu_options(Precision::fp32);
  EXPECT_LT(gpu_test::relative_l2(gpu_test::run_on(*make_gpu_backend(), g, w, in, o)[0], want[0]), 1e-5);
  o.extra["gpu.tf32"] = "1";
  EXPECT_LT(gpu_test::relative_l2(gpu_test::run_on(*make_gpu_backend(), g, w, in, o)[0], want[0]), 1e-2);
}

}  // namespace
}  // namespace eb
#endif
