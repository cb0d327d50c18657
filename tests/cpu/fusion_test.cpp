// How the cpu backend drives oneDNN on convolution graphs, checked against the reference:
// residual adds accumulate as a `sum` post-op, in place over the residual when nothing
// reads it afterwards and into a copy otherwise; SSDLite-style heads (conv, NHWC
// transpose, reshape, concat) need no copies; and the MobileDet graphs compile without
// reorders between layers or gemm-based convolutions.
#include "tests/cpu/conformance.h"

#include "core/fold_batch_norm.h"
#include "models/workload.h"

namespace eb::cpu_test {
namespace {

std::string conv(GraphBuilder& g, const std::string& name, const std::string& x, std::int64_t out, std::int64_t k,
                 Activation act = Activation::none, int groups = 1) {
  const Shape& xs = g.shape(x);
  Conv2dAttrs a;
  const int p = static_cast<int>(k / 2);
  a.pad = {p, p, p, p};
  a.groups = groups;
  a.act = act;
  a.has_bias = true;
  return g.add(OpKind::conv2d, a,
               {x, g.weight(name + ".w", {out, xs[1] / groups, k, k}, uniform()), g.weight(name + ".b", {out}, uniform())},
               name);
}

std::string add(GraphBuilder& g, const std::string& name, const std::string& a, const std::string& b) {
  return g.add(OpKind::add, NoAttrs{}, {a, b}, name);
}

// Compiles `graph` on the cpu backend (one thread) and returns what it reports.
std::map<std::string, std::string> info_of(const Graph& graph) {
#ifdef EB_HAVE_CPU
  CompileOptions o;
  o.threads = kTestThreads;
  return make_cpu_backend()->compile(graph, init_weights(graph, 1), o)->info();
#else
  (void)graph;
  return {};
#endif
}

// Checks the graph against the reference and returns the cpu backend's report.
template <class Build>
std::map<std::string, std::string> check_and_report(const std::string& label, Build&& build) {
  check_graph(label, build);
  GraphBuilder g(label);
  build(g);
  return info_of(g.finish());
}

// Each residual situation the accumulator distinguishes, one per graph, with the number
// of sums it must do in place and on a copy. 16 channels: every ISA's blocked layout
// holds them without padding, so the residual and the sum's destination share a layout.
TEST(CpuFusion, ResidualSumInPlaceOnlyWhenNothingReadsItLater) {
  EB_REQUIRE_CPU();
  struct Case {
    std::string label;
    std::function<void(GraphBuilder&)> build;
    int in_place;
    int copied;
  };
  const std::vector<Case> cases = {
      // Two chained bottlenecks: each residual dies at its add (the first one is the
      // graph input's converted copy, the second a convolution's output).
      {"two residual blocks",
       [](GraphBuilder& g) {
         const auto x = g.input("x", {2, 16, 7, 7});
         const auto e1 = conv(g, "e1", x, 32, 1, Activation::relu6);
         const auto y1 = add(g, "r1", conv(g, "p1", e1, 16, 1), x);
         const auto e2 = conv(g, "e2", y1, 32, 3, Activation::relu6);
         g.output(add(g, "r2", y1, conv(g, "p2", e2, 16, 1)));
       },
       2, 0},
      // The residual is read again after the add: the sum must not overwrite it.
      {"residual read after the add",
       [](GraphBuilder& g) {
         const auto x = g.input("x", {1, 16, 6, 6});
         const auto t = conv(g, "t", x, 16, 3, Activation::relu);
         g.output(add(g, "r", t, conv(g, "p", conv(g, "e", t, 32, 1, Activation::relu6), 16, 1)));
         g.output(g.add(OpKind::sigmoid, NoAttrs{}, {t}, "late"));
       },
       0, 1},
      // The residual is a graph output: it must leave the graph unchanged.
      {"residual is a graph output",
       [](GraphBuilder& g) {
         const auto x = g.input("x", {1, 16, 5, 5});
         const auto t = conv(g, "t", x, 16, 3);
         g.output(t);
         g.output(add(g, "r", conv(g, "p", conv(g, "e", t, 16, 3), 16, 1, Activation::hardswish), t));
       },
       0, 1},
      // x + conv(x): the residual is the convolution's own source, read while it runs.
      {"residual is the convolution's source",
       [](GraphBuilder& g) {
         const auto x = g.input("x", {1, 16, 6, 6});
         const auto t = conv(g, "t", x, 16, 1);
         g.output(g.add(OpKind::relu, NoAttrs{}, {add(g, "r", t, conv(g, "p", t, 16, 3))}, "out"));
       },
       0, 1},
      // The residual is also a binary operand of the same chain (y = conv(e) + t, then * t).
      {"residual also a later operand of the chain",
       [](GraphBuilder& g) {
         const auto x = g.input("x", {1, 16, 6, 6});
         const auto t = conv(g, "t", x, 16, 1, Activation::sigmoid);
         const auto p = conv(g, "p", conv(g, "e", t, 16, 3), 16, 1);
         g.output(g.add(OpKind::mul, NoAttrs{}, {add(g, "r", p, t), t}, "m"));
       },
       0, 1},
  };
  for (const auto& c : cases) {
    const auto info = check_and_report(c.label, c.build);
    EXPECT_EQ(info.at("cpu.sums.in_place"), std::to_string(c.in_place)) << c.label;
    EXPECT_EQ(info.at("cpu.sums.copied"), std::to_string(c.copied)) << c.label;
  }
}

// A residual whose bytes another live tensor also names is never overwritten: here the
// NHWC transpose of the residual, a view of the same bytes where the convolution writes
// NHWC (AVX-512), read after the add. (Where the transpose is a copy instead, the sum may
// go in place; the results must match the reference either way.)
TEST(CpuFusion, ResidualSharedThroughAViewIsCopied) {
  EB_REQUIRE_CPU();
  const auto info = check_and_report("residual shared with a transpose view", [](GraphBuilder& g) {
    const auto x = g.input("x", {1, 16, 4, 4});
    const auto t = conv(g, "t", x, 16, 3, Activation::relu);
    const auto nhwc = g.add(OpKind::transpose, TransposeAttrs{{0, 2, 3, 1}}, {t}, "nhwc");
    g.output(add(g, "r", conv(g, "p", conv(g, "e", t, 16, 3), 16, 1), t));
    g.output(g.add(OpKind::relu, NoAttrs{}, {nhwc}, "nhwc_relu"));  // reads the bytes after the add
  });
  EXPECT_EQ(std::stoi(info.at("cpu.sums.in_place")) + std::stoi(info.at("cpu.sums.copied")), 1);
  if (info.at("cpu.isa").find("avx512") != std::string::npos) {
    EXPECT_EQ(info.at("cpu.sums.copied"), "1");
  }
}

// SSDLite heads: conv -> NHWC transpose -> reshape -> concat over two maps. Where the
// convolution already writes NHWC the transpose is a view and the concat is in place, so
// the compiled program has no step for either; results match the reference either way.
TEST(CpuFusion, HeadsWriteStraightIntoTheirConcatSlots) {
  EB_REQUIRE_CPU();
  auto build = [](GraphBuilder& g) {
    const auto x = g.input("x", {1, 16, 8, 8});
    const auto y = conv(g, "down", x, 24, 3, Activation::relu6);
    std::vector<std::string> parts;
    for (const auto& [name, src] : {std::pair{"h0", x}, std::pair{"h1", y}}) {
      const auto h = conv(g, std::string(name) + ".conv", src, 12, 1);
      const Shape s = g.shape(h);
      const auto t = g.add(OpKind::transpose, TransposeAttrs{{0, 2, 3, 1}}, {h}, std::string(name) + ".nhwc");
      parts.push_back(g.add(OpKind::reshape, ReshapeAttrs{{1, s[2] * s[3] * 3, 4}}, {t}, std::string(name) + ".flat"));
    }
    g.output(g.add(OpKind::concat, ConcatAttrs{1}, parts, "boxes"));
  };
  const auto info = check_and_report("ssdlite heads into concat", build);
  // the input (its copy, or its conversion straight from the caller's tensor when the
  // convolutions want another layout), 3 convolutions and the output; nothing for the
  // transposes, reshapes and the concat.
  if (info.at("cpu.isa").find("avx512") != std::string::npos) {
    EXPECT_EQ(info.at("cpu.steps"), "5");
  }
}

// An input that the first convolution wants in another layout is converted straight from
// the caller's tensor, which changes from run to run: each run must see its own.
TEST(CpuFusion, InputConvertedFromEachRunsTensor) {
  EB_REQUIRE_CPU();
  GraphBuilder g("input conversion");
  const auto x = g.input("x", {1, 3, 12, 12});
  g.output(add(g, "r", conv(g, "p", conv(g, "e", x, 16, 3, Activation::relu6), 3, 1), x));
  const Graph graph = g.finish();
  const Weights weights = init_weights(graph, 5);
#ifdef EB_HAVE_CPU
  CompileOptions o;
  o.threads = kTestThreads;
  auto exe = make_cpu_backend()->compile(graph, weights, o);
  auto ref = make_reference_backend()->compile(graph, weights, {});
  for (std::uint64_t seed : {11, 12, 11}) {
    const auto inputs = random_inputs(graph, seed);
    EXPECT_LT(rel_l2(exe->run(inputs).at(0), ref->run(inputs).at(0)), kFp32Tolerance) << "inputs seed " << seed;
  }
#endif
}

// Squeeze-and-excite convolutions on a 1x1 map are too small to split: with two threads
// they (and only they) run on one, with the same results.
TEST(CpuFusion, TinyConvolutionsRunOnOneThread) {
  EB_REQUIRE_CPU();
  GraphBuilder g("se block");
  const auto x = g.input("x", {1, 32, 16, 16});
  const auto e = conv(g, "expand", x, 64, 1, Activation::relu6);  // 524 K MACs
  const auto d = conv(g, "dw", e, 64, 3, Activation::hardswish, 64);  // 147 K MACs
  const auto p = g.add(OpKind::global_avg_pool, NoAttrs{}, {d}, "pool");
  const auto s = conv(g, "se.expand", conv(g, "se.reduce", p, 8, 1, Activation::relu), 64, 1, Activation::hardsigmoid);
  const auto m = g.add(OpKind::mul, NoAttrs{}, {d, s}, "se");
  g.output(add(g, "r", conv(g, "project", m, 32, 1), x));  // 524 K MACs
  const Graph graph = g.finish();
  const Weights weights = init_weights(graph, 3);
  const auto inputs = random_inputs(graph, 4);
  const Comparison c = compare(graph, weights, inputs, 2);
  EXPECT_LT(c.max_rel_l2, kFp32Tolerance);
#ifdef EB_HAVE_CPU
  CompileOptions o;
  o.threads = 2;
  const auto info = make_cpu_backend()->compile(graph, weights, o)->info();
  EXPECT_EQ(info.at("cpu.steps.single_thread"), "2");
#endif
}

// The MobileDet graphs: no layout conversion between layers (only the graph input's),
// every residual summed in place, and (on AVX CPUs) no gemm-based convolution.
TEST(CpuFusion, MobileDetKeepsOneLayoutEndToEnd) {
  EB_REQUIRE_CPU();
  const auto registry = make_workload_registry();
  for (const char* name : {"mobiledet-cpu", "mobiledet-edgetpu", "mobiledet-dsp", "mobiledet-gpu"}) {
    const Workload& w = registry.get(name);
    const Graph graph = w.build({});
    const auto folded = fold_batch_norm(graph, w.make_weights(graph, 1));
#ifdef EB_HAVE_CPU
    CompileOptions o;
    o.threads = kTestThreads;
    const auto info = make_cpu_backend()->compile(folded.graph, folded.weights, o)->info();
    EXPECT_LE(std::stoi(info.at("cpu.reorders")), 1) << name;
    EXPECT_EQ(info.at("cpu.sums.copied"), "0") << name;
    EXPECT_GT(std::stoi(info.at("cpu.sums.in_place")), 0) << name;
    if (info.at("cpu.isa").find("avx") != std::string::npos) {
      EXPECT_EQ(info.at("cpu.implementations").find("gemm"), std::string::npos) << name << ": " << info.at("cpu.implementations");
    }
#endif
  }
}

}  // namespace
}  // namespace eb::cpu_test
