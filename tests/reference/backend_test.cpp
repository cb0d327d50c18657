// The reference backend as a whole: probe, compile/run, run_reference_all, profiling,
// input checks, and its speed on convolution- and linear-heavy graphs.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "core/graph.h"
#include "core/reference/reference_backend.h"
#include "core/seeded_init.h"

namespace eb {
namespace {

// x[1,4] → linear(+bias, relu) → add(itself) : y = 2·relu(W·x + b)
Graph small_graph() {
  GraphBuilder b("small");
  const auto x = b.input("x", {1, 4});
  const auto w = b.weight("w", {2, 4}, WeightInit::zeros());
  const auto bias = b.weight("b", {2}, WeightInit::zeros());
  const auto h = b.add(OpKind::linear, LinearAttrs{Activation::relu, true}, {x, w, bias}, "h");
  const auto y = b.add(OpKind::add, NoAttrs{}, {h, h}, "y");
  b.output(y);
  b.output(h);
  return b.finish();
}

Weights small_weights() {
  Weights w;
  // W = [[1, 2, 3, 4], [-1, -1, -1, -1]], b = [0.5, 0]
  w.set("w", Tensor::from_f32({2, 4}, {1, 2, 3, 4, -1, -1, -1, -1}));
  w.set("b", Tensor::from_f32({2}, {0.5f, 0}));
  return w;
}

TEST(ReferenceBackend, Identity) {
  auto be = make_reference_backend();
  EXPECT_EQ(be->name(), "reference");
  EXPECT_FALSE(be->description().empty());
  const Probe p = be->probe();
  EXPECT_TRUE(p.available);
  EXPECT_TRUE(p.reason.empty());
  EXPECT_FALSE(p.device.empty());
  EXPECT_EQ(be->precisions(), std::vector<Precision>{Precision::fp32});
  const Graph g = small_graph();
  for (const auto& n : g.nodes) EXPECT_TRUE(be->supports(g, n, {}));
}

TEST(ReferenceBackend, RunsGraphAndReturnsOutputsInOrder) {
  auto be = make_reference_backend();
  auto exe = be->compile(small_graph(), small_weights(), {});
  // x = [1, 1, 1, 1]: h = [relu(10.5), relu(−4)] = [10.5, 0]; y = [21, 0]
  const std::vector<Tensor> in{Tensor::from_f32({1, 4}, {1, 1, 1, 1})};
  const auto out = exe->run(in);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0], Tensor::from_f32({1, 2}, {21, 0}));
  EXPECT_EQ(out[1], Tensor::from_f32({1, 2}, {10.5f, 0}));
  EXPECT_FALSE(exe->last_device_time().has_value());
  EXPECT_TRUE(exe->last_profile().empty());  // profiling is off by default

  exe->enable_profiling(true);
  exe->run(in);
  const auto prof = exe->last_profile();
  ASSERT_EQ(prof.size(), 2u);
  EXPECT_EQ(prof[0].node, "h");
  EXPECT_EQ(prof[0].op, "linear");
  EXPECT_EQ(prof[1].node, "y");
  EXPECT_EQ(prof[1].provenance, Provenance::measured("steady_clock"));
  EXPECT_GE(prof[0].ns, 0);
}

TEST(ReferenceBackend, CompiledWeightsAreACopy) {
  auto be = make_reference_backend();
  Weights w = small_weights();
  auto exe = be->compile(small_graph(), w, {});
  w.set("b", Tensor::from_f32({2}, {100, 100}));
  const std::vector<Tensor> in{Tensor::from_f32({1, 4}, {1, 1, 1, 1})};
  EXPECT_EQ(exe->run(in)[1], Tensor::from_f32({1, 2}, {10.5f, 0}));
}

TEST(ReferenceBackend, RejectsBadInputsAndWeights) {
  auto be = make_reference_backend();
  auto exe = be->compile(small_graph(), small_weights(), {});
  std::vector<Tensor> wrong_shape{Tensor::from_f32({1, 3}, {1, 1, 1})};
  try {
    exe->run(wrong_shape);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'x'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(exe->run({}), std::invalid_argument);
  Weights missing = small_weights();
  missing.erase("b");
  EXPECT_THROW(be->compile(small_graph(), missing, {}), std::invalid_argument);
}

TEST(ReferenceBackend, NonF32InputsAreConverted) {
  auto be = make_reference_backend();
  auto exe = be->compile(small_graph(), small_weights(), {});
  const std::vector<Tensor> in{Tensor::from_f32({1, 4}, {1, 1, 1, 1}).to(DType::f16)};
  EXPECT_EQ(exe->run(in)[0], Tensor::from_f32({1, 2}, {21, 0}));
}

TEST(ReferenceBackend, RunReferenceAllKeepsEveryTensor) {
  const std::vector<Tensor> in{Tensor::from_f32({1, 4}, {0, 0, 0, -1})};
  const auto all = run_reference_all(small_graph(), small_weights(), in);
  // h = [relu(−4 + 0.5), relu(1)] = [0, 1]; y = [0, 2]
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all.at("x"), in[0]);
  EXPECT_EQ(all.at("h"), Tensor::from_f32({1, 2}, {0, 1}));
  EXPECT_EQ(all.at("y"), Tensor::from_f32({1, 2}, {0, 2}));
}

// Conv- and linear-heavy graphs sized like the models' big layers; prints GMAC/s so that
// a pathological slowdown shows, and fails only if grossly slow.
TEST(ReferenceBackend, Speed) {
  GraphBuilder b("speed");
  auto x = b.input("x", {1, 64, 80, 80});
  auto w1 = b.weight("w1", {128, 64, 1, 1}, WeightInit::with_std(0.1));
  auto w2 = b.weight("w2", {128, 1, 3, 3}, WeightInit::with_std(0.1));
  auto w3 = b.weight("w3", {64, 128, 3, 3}, WeightInit::with_std(0.03));
  Conv2dAttrs pw;
  pw.act = Activation::relu6;
  Conv2dAttrs dw;
  dw.groups = 128;
  dw.pad = {1, 1, 1, 1};
  Conv2dAttrs full;
  full.pad = {1, 1, 1, 1};
  auto h = b.add(OpKind::conv2d, pw, {x, w1}, "pw");
  h = b.add(OpKind::conv2d, dw, {h, w2}, "dw");
  h = b.add(OpKind::conv2d, full, {h, w3}, "full");
  b.output(h);
  auto t = b.input("tokens", {1, 197, 384});
  auto l1 = b.weight("l1", {1536, 384}, WeightInit::with_std(0.05));
  auto l1b = b.weight("l1b", {1536}, WeightInit::zeros());
  auto l2 = b.weight("l2", {384, 1536}, WeightInit::with_std(0.05));
  auto l2b = b.weight("l2b", {384}, WeightInit::zeros());
  auto m = b.add(OpKind::linear, LinearAttrs{Activation::gelu, true}, {t, l1, l1b}, "fc1");
  m = b.add(OpKind::linear, LinearAttrs{Activation::none, true}, {m, l2, l2b}, "fc2");
  b.output(m);
  const Graph g = b.finish();
  const Weights w = init_weights(g, 7);
  const auto in = random_inputs(g, 7);
  auto exe = make_reference_backend()->compile(g, w, {});
  exe->enable_profiling(true);
  const auto t0 = std::chrono::steady_clock::now();
  exe->run(in);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double conv_ns = 0, lin_ns = 0;
  for (const auto& p : exe->last_profile()) (p.op == "conv2d" ? conv_ns : lin_ns) += p.ns;
  const double conv_macs = 80.0 * 80 * (128 * 64 + 128 * 9 + 64 * 128 * 9);
  const double lin_macs = 2.0 * 197 * 384 * 1536;
  std::printf("reference speed: conv %.2f GMAC/s, linear %.2f GMAC/s (%.3f GMAC in %.3f s)\n", conv_macs / conv_ns,
              lin_macs / lin_ns, g.mac_count() * 1e-9, s);
  EXPECT_DOUBLE_EQ(static_cast<double>(g.mac_count()), conv_macs + lin_macs);
  EXPECT_LT(s, 20.0);
}

}  // namespace
}  // namespace eb
