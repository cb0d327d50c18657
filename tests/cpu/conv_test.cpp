// conv2d on the cpu backend against the reference: plain, grouped, depthwise, strided,
// dilated, asymmetric padding, every activation, odd channel counts, 1×1 spatial,
// batch > 1, fused residual chains and a folded batch norm.
#include "tests/cpu/conformance.h"

#include "core/fold_batch_norm.h"

namespace eb::cpu_test {
namespace {

struct ConvCase {
  std::string label;
  Shape x;  // N, C, H, W
  std::int64_t out = 8;
  std::int64_t k = 3;
  Conv2dAttrs attrs;
};

std::string conv(GraphBuilder& g, const std::string& name, const std::string& x, std::int64_t out, std::int64_t k,
                 Conv2dAttrs a) {
  const Shape& xs = g.shape(x);
  std::vector<std::string> in{x, g.weight(name + ".w", {out, xs[1] / a.groups, k, k}, uniform())};
  if (a.has_bias) in.push_back(g.weight(name + ".b", {out}, uniform()));
  return g.add(OpKind::conv2d, a, in, name);
}

TEST(CpuConv, Shapes) {
  EB_REQUIRE_CPU();
  const std::vector<ConvCase> cases = {
      {"conv 3x3 16->24 8x8 relu", {1, 16, 8, 8}, 24, 3, conv_attrs(1, {1, 1, 1, 1}, 1, Activation::relu)},
      {"conv 3x3 3->13 s2 asym pad relu6 no bias", {1, 3, 7, 9}, 13, 3, conv_attrs(2, {0, 0, 1, 1}, 1, Activation::relu6, false)},
      {"conv grouped 12->18 g3 hardswish", {2, 12, 6, 5}, 18, 3, conv_attrs(1, {1, 1, 1, 1}, 3, Activation::hardswish)},
      {"conv depthwise 13 s2 hardsigmoid batch2", {2, 13, 9, 9}, 13, 3, conv_attrs(2, {1, 1, 1, 1}, 13, Activation::hardsigmoid)},
      {"conv depthwise 5x5 dilation2 sigmoid", {1, 24, 12, 12}, 24, 5, conv_attrs(1, {4, 4, 4, 4}, 24, Activation::sigmoid, true, 2)},
      {"conv 1x1 on 1x1 spatial 20->7 gelu batch3", {3, 20, 1, 1}, 7, 1, conv_attrs(1, {0, 0, 0, 0}, 1, Activation::gelu)},
      {"conv 1x1 33->65 none", {1, 33, 10, 10}, 65, 1, conv_attrs(1, {0, 0, 0, 0}, 1, Activation::none)},
      {"conv 3x3 s2 'same' 32->64 relu6 batch2", {2, 32, 20, 20}, 64, 3, conv_attrs(2, {0, 0, 1, 1}, 1, Activation::relu6)},
      {"conv 5x5 s1 pad2 8->16 wide", {1, 8, 5, 31}, 16, 5, conv_attrs(1, {2, 2, 2, 2}, 1, Activation::relu)},
  };
  for (const auto& c : cases)
    check_graph(c.label, [&](GraphBuilder& g) {
      const auto x = g.input("x", c.x);
      g.output(conv(g, "y", x, c.out, c.k, c.attrs));
    });
}

TEST(CpuConv, EveryActivation) {
  EB_REQUIRE_CPU();
  for (Activation act : {Activation::none, Activation::relu, Activation::relu6, Activation::hardswish,
                         Activation::hardsigmoid, Activation::sigmoid, Activation::gelu})
    check_graph("conv act " + std::string(activation_name(act)), [&](GraphBuilder& g) {
      const auto x = g.input("x", {1, 10, 6, 6});
      g.output(conv(g, "y", x, 12, 3, conv_attrs(1, {1, 1, 1, 1}, 1, act)));
    });
}

// An inverted bottleneck with squeeze-and-excite and a residual: expand (relu6), depthwise
// (hardswish), SE (global pool, 1×1 relu, 1×1 hardsigmoid, mul), project, add the input,
// then a standalone relu; the add and relu fold into the projection.
TEST(CpuConv, InvertedBottleneckWithResidualAndSe) {
  EB_REQUIRE_CPU();
  for (std::int64_t c : {16, 13}) {
    check_graph("conv bottleneck + SE + residual c=" + std::to_string(c), [&](GraphBuilder& g) {
      const auto x = g.input("x", {2, c, 9, 9});
      const auto e = conv(g, "expand", x, 4 * c, 1, conv_attrs(1, {0, 0, 0, 0}, 1, Activation::relu6));
      const auto d = conv(g, "dw", e, 4 * c, 3, conv_attrs(1, {1, 1, 1, 1}, static_cast<int>(4 * c), Activation::hardswish));
      const auto p = g.add(OpKind::global_avg_pool, NoAttrs{}, {d}, "pool");
      const auto s1 = conv(g, "se1", p, 8, 1, conv_attrs(1, {0, 0, 0, 0}, 1, Activation::relu));
      const auto s2 = conv(g, "se2", s1, 4 * c, 1, conv_attrs(1, {0, 0, 0, 0}, 1, Activation::hardsigmoid));
      const auto m = g.add(OpKind::mul, NoAttrs{}, {d, s2}, "se_mul");
      const auto proj = conv(g, "project", m, c, 1, conv_attrs(1, {0, 0, 0, 0}, 1, Activation::none));
      const auto r = g.add(OpKind::add, NoAttrs{}, {x, proj}, "residual");
      g.output(g.add(OpKind::relu, NoAttrs{}, {r}, "out"));
    });
  }
}

// A conv output read by two nodes is not folded away; a chain feeding a graph output
// stops at the output.
TEST(CpuConv, NoFoldingAcrossSharedOrOutputTensors) {
  EB_REQUIRE_CPU();
  check_graph("conv shared output + output mid-chain", [&](GraphBuilder& g) {
    const auto x = g.input("x", {1, 8, 5, 5});
    const auto a = conv(g, "a", x, 8, 3, conv_attrs(1, {1, 1, 1, 1}, 1, Activation::none));
    const auto r = g.add(OpKind::relu, NoAttrs{}, {a}, "r");
    const auto s = g.add(OpKind::add, NoAttrs{}, {a, x}, "s");
    const auto b = conv(g, "b", s, 8, 1, conv_attrs(1, {0, 0, 0, 0}, 1, Activation::none));
    const auto m = g.add(OpKind::mul, NoAttrs{}, {b, r}, "m");
    g.output(r);
    g.output(m);
    g.output(g.add(OpKind::sigmoid, NoAttrs{}, {m}, "sig"));
  });
}

// Batch norm is folded before compiling; the folded graph on the cpu backend must match
// the unfolded graph on the reference.
TEST(CpuConv, FoldedBatchNormMatchesUnfoldedReference) {
  EB_REQUIRE_CPU();
  GraphBuilder g("bn");
  const auto x = g.input("x", {2, 6, 7, 7});
  Conv2dAttrs a = conv_attrs(1, {1, 1, 1, 1}, 1, Activation::relu6, false);
  a.has_batch_norm = true;
  std::vector<std::string> in{x, g.weight("c.w", {10, 6, 3, 3}, uniform())};
  in.push_back(g.weight("c.gamma", {10}, WeightInit::uniform(0.5, 1.5)));
  in.push_back(g.weight("c.beta", {10}, uniform()));
  in.push_back(g.weight("c.mean", {10}, uniform(0.2)));
  in.push_back(g.weight("c.var", {10}, WeightInit::uniform(0.5, 1.5)));
  g.output(g.add(OpKind::conv2d, a, in, "c"));
  const Graph graph = g.finish();
  const Weights weights = init_weights(graph, 7);
  const auto inputs = random_inputs(graph, 8);
  const auto folded = fold_batch_norm(graph, weights);
  CompileOptions opts;
  opts.threads = kTestThreads;
  const auto got = make_cpu_backend()->compile(folded.graph, folded.weights, opts)->run(inputs);
  const auto want = make_reference_backend()->compile(graph, weights, {})->run(inputs);
  const double err = rel_l2(got.at(0), want.at(0));
  std::printf("[conformance] %-48s rel_l2 %.3e\n", "conv + folded batch norm", err);
  EXPECT_LT(err, kFp32Tolerance);
}

}  // namespace
}  // namespace eb::cpu_test
