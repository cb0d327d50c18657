// What a gpu executable reports besides its outputs: device time from CUDA events, the
// h2d / compute / d2h breakdown, per-step profiles, compile facts; that replays are
// bit-identical; that bad inputs are refused; and that it works as one partition among
// reference partitions.
#ifdef EB_HAVE_GPU
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <utility>

#include "core/partition.h"
#include "core/reference/reference_backend.h"
#include "core/seeded_init.h"
#include "tests/gpu/gpu_test_support.h"

namespace eb {
namespace {

// A small transformer block with a mixture of experts: layernorm, qkv, attention,
// projection, residual, layernorm, moe, residual.
Graph moe_block(int batch) {
  GraphBuilder b("moe_block");
  const std::int64_t T = 17, D = 32, H = 48, E = 8;
  const auto u = [&](const std::string& n, Shape s) { return b.weight(n, std::move(s), WeightInit::uniform(-0.3, 0.3)); };
  const auto x = b.input("x", {batch, T, D});
  const auto n1 = b.add(OpKind::layernorm, LayerNormAttrs{1e-6f}, {x, u("g1", {D}), u("b1", {D})}, "norm1");
  const auto qkv = b.add(OpKind::linear, LinearAttrs{}, {n1, u("wqkv", {3 * D, D}), u("bqkv", {3 * D})}, "qkv");
  const auto att = b.add(OpKind::attention, AttentionAttrs{4}, {qkv}, "attn");
  const auto proj = b.add(OpKind::linear, LinearAttrs{}, {att, u("wp", {D, D}), u("bp", {D})}, "proj");
  const auto x1 = b.add(OpKind::add, NoAttrs{}, {x, proj}, "res1");
  const auto n2 = b.add(OpKind::layernorm, LayerNormAttrs{1e-6f}, {x1, u("g2", {D}), u("b2", {D})}, "norm2");
  MoeAttrs m;
  m.experts = static_cast<int>(E);
  m.hidden = static_cast<int>(H);
  const auto moe = b.add(OpKind::moe, m,
                         {n2, b.weight("gate", {D, E}, WeightInit::uniform(-1, 1)), u("w1", {E, H, D}), u("e1", {E, H}),
                          u("w2", {E, D, H}), u("e2", {E, D})},
                         "moe");
  b.output(b.add(OpKind::add, NoAttrs{}, {x1, moe}, "y"));
  return b.finish();
}

TEST(GpuExecutable, ReportsEventTimesAndBreakdown) {
  EB_REQUIRE_GPU();
  const Graph g = moe_block(2);
  const Weights w = init_weights(g, 1);
  auto exe = make_gpu_backend()->compile(g, w, gpu_test::gpu_options(Precision::fp32));
  exe->run(random_inputs(g, 2));
  const auto dt = exe->last_device_time();
  ASSERT_TRUE(dt.has_value());
  EXPECT_GT(dt->ns, 0);
  EXPECT_EQ(dt->provenance, Provenance::measured("cuda_event"));
  const auto prof = exe->last_profile();
  ASSERT_EQ(prof.size(), 3u);
  EXPECT_EQ(prof[0].node, "h2d");
  EXPECT_EQ(prof[1].node, "compute");
  EXPECT_EQ(prof[2].node, "d2h");
  EXPECT_LE(prof[0].ns + prof[1].ns + prof[2].ns, dt->ns * 1.001 + 1000);

  exe->enable_profiling(true);
  exe->run(random_inputs(g, 2));
  const auto steps = exe->last_profile();
  EXPECT_GT(steps.size(), 3u);
  bool saw_experts = false;
  double sum = 0;
  for (const auto& p : steps) {
    saw_experts = saw_experts || p.op == "moe:experts";
    EXPECT_NE(p.node, "compute") << "per-step entries replace the compute entry (they would count it twice)";
    sum += p.ns;
  }
  EXPECT_TRUE(saw_experts);
  EXPECT_EQ(steps.front().node, "h2d");
  EXPECT_EQ(steps.back().node, "d2h");
  EXPECT_LE(sum, exe->last_device_time()->ns * 1.001 + 1000);

  const auto info = exe->info();
  EXPECT_EQ(info.at("precision"), "fp32");
  EXPECT_EQ(info.at("gpu.tf32"), "0");
  EXPECT_EQ(info.at("gpu.cuda_graph").rfind("on", 0), 0u) << info.at("gpu.cuda_graph");
  EXPECT_TRUE(info.contains("device"));
  EXPECT_TRUE(info.contains("gpu.moe"));
}

TEST(GpuExecutable, ReplaysAreBitIdenticalAndMatchEagerRuns) {
  EB_REQUIRE_GPU();
  const Graph g = moe_block(3);
  const Weights w = init_weights(g, 5);
  const auto in = random_inputs(g, 6);
  auto graphed = make_gpu_backend()->compile(g, w, gpu_test::gpu_options(Precision::fp32, true));
  auto eager = make_gpu_backend()->compile(g, w, gpu_test::gpu_options(Precision::fp32, false));
  const auto a = graphed->run(in);
  const auto b = graphed->run(in);
  const auto c = eager->run(in);
  EXPECT_EQ(a[0], b[0]);
  EXPECT_EQ(a[0], c[0]);
  const auto want = gpu_test::run_on(*make_reference_backend(), g, w, in, {});
  EXPECT_LT(gpu_test::relative_l2(a[0], want[0]), 1e-4);
}

// Per token of `x` [.., D], the experts the gate [D, E] sends it to (top 2 of its logits).
std::vector<std::set<std::int64_t>> routing(const Tensor& x, const Tensor& gate) {
  const auto xv = x.data<float>();
  const auto gv = gate.data<float>();
  const std::int64_t D = gate.dim(0), E = gate.dim(1);
  std::vector<std::set<std::int64_t>> out;
  for (std::int64_t t = 0; t < x.numel() / D; ++t) {
    std::vector<std::pair<double, std::int64_t>> logits;
    for (std::int64_t e = 0; e < E; ++e) {
      double l = 0;
      for (std::int64_t d = 0; d < D; ++d) l += static_cast<double>(xv[t * D + d]) * gv[d * E + e];
      logits.emplace_back(-l, e);
    }
    std::sort(logits.begin(), logits.end());
    out.push_back({logits[0].second, logits[1].second});
  }
  return out;
}

std::vector<int> tokens_per_expert(const std::vector<std::set<std::int64_t>>& r, int experts) {
  std::vector<int> n(static_cast<std::size_t>(experts), 0);
  for (const auto& chosen : r)
    for (auto e : chosen) ++n[static_cast<std::size_t>(e)];
  return n;
}

// One captured executable, two inputs that route differently (other experts, other token
// counts per expert), each run twice in turn: every run must match the reference for its
// own input, so nothing of the first input's routing is baked into the replay.
TEST(GpuExecutable, CapturedExecutableFollowsEachInputsRouting) {
  EB_REQUIRE_GPU();
  const Graph g = moe_block(2);
  const Weights w = init_weights(g, 7);
  const std::vector<Tensor> a = random_inputs(g, 11), b = random_inputs(g, 12);
  const auto all_a = run_reference_all(g, w, a), all_b = run_reference_all(g, w, b);
  const auto route_a = routing(all_a.at("norm2"), w.get("gate")), route_b = routing(all_b.at("norm2"), w.get("gate"));
  ASSERT_NE(route_a, route_b) << "the test needs inputs that route differently";
  ASSERT_NE(tokens_per_expert(route_a, 8), tokens_per_expert(route_b, 8));

  // fp32: a 16-bit run may legitimately route a near-tied token elsewhere (models_test.cpp).
  auto exe = make_gpu_backend()->compile(g, w, gpu_test::gpu_options(Precision::fp32, true));
  ASSERT_EQ(exe->info().at("gpu.cuda_graph").rfind("on", 0), 0u) << exe->info().at("gpu.cuda_graph");
  for (int round = 0; round < 2; ++round) {
    const auto got_a = exe->run(a);
    const auto got_b = exe->run(b);
    EXPECT_LT(gpu_test::relative_l2(got_a[0], all_a.at("y")), gpu_test::tolerance(Precision::fp32)) << "input a, round " << round;
    EXPECT_LT(gpu_test::relative_l2(got_b[0], all_b.at("y")), gpu_test::tolerance(Precision::fp32)) << "input b, round " << round;
  }
}

TEST(GpuExecutable, RefusesWrongInputs) {
  EB_REQUIRE_GPU();
  const Graph g = moe_block(1);
  auto exe = make_gpu_backend()->compile(g, init_weights(g, 1), gpu_test::gpu_options(Precision::fp16));
  EXPECT_THROW(exe->run({}), std::invalid_argument);
  const std::vector<Tensor> wrong = {Tensor(DType::f32, {2, 17, 32})};
  EXPECT_THROW(exe->run(wrong), std::invalid_argument);
}

// With one node forced onto the reference (here: by being a conv with unfolded batch
// norm), the gpu runs the partitions on either side of it.
TEST(GpuExecutable, RunsAsAPartition) {
  EB_REQUIRE_GPU();
  GraphBuilder b("partitioned");
  const auto x = b.input("x", {1, 4, 8, 8});
  Conv2dAttrs plain;
  plain.has_bias = true;
  plain.pad = {1, 1, 1, 1};
  plain.act = Activation::relu;
  const auto c1 = b.add(OpKind::conv2d, plain, {x, b.weight("w1", {4, 4, 3, 3}, WeightInit::uniform(-0.5, 0.5)),
                                                b.weight("b1", {4}, WeightInit::uniform(-0.1, 0.1))},
                        "c1");
  Conv2dAttrs bn = plain;
  bn.has_bias = false;
  bn.has_batch_norm = true;
  const auto c2 = b.add(OpKind::conv2d, bn,
                        {c1, b.weight("w2", {4, 4, 3, 3}, WeightInit::uniform(-0.5, 0.5)), b.weight("g", {4}, WeightInit::ones()),
                         b.weight("be", {4}, WeightInit::zeros()), b.weight("m", {4}, WeightInit::zeros()),
                         b.weight("v", {4}, WeightInit::ones())},
                        "c2");
  b.output(b.add(OpKind::hardswish, NoAttrs{}, {c2}, "y"));
  const Graph g = b.finish();
  const Weights w = init_weights(g, 3);
  const auto in = random_inputs(g, 4);
  CompileOptions o = gpu_test::gpu_options(Precision::fp32);
  o.allow_fallback = true;
  PartitionPlan plan;
  const auto gpu = make_gpu_backend();
  const auto ref = make_reference_backend();
  auto exe = compile_partitioned(g, w, *gpu, *ref, o, &plan);
  EXPECT_EQ(plan.partitions.size(), 3u) << plan.summary();
  const auto got = exe->run(in);
  const auto want = gpu_test::run_on(*ref, g, w, in, {});
  EXPECT_LT(gpu_test::relative_l2(got[0], want[0]), 1e-4);
}

}  // namespace
}  // namespace eb
#endif
