// The cpu backend as a whole: registration, probe, partitioning, what a compiled
// executable reports, thread-count independence, repeated runs, input checks and
// profiling; and the memory planner and the power model on their own.
#include "tests/cpu/conformance.h"

#include <algorithm>

#include "backends/cpu/memory_plan.h"
#include "backends/cpu/power_model.h"
#include "core/fold_batch_norm.h"
#include "core/partition.h"
#include "core/registry.h"
#include "models/workload.h"

namespace eb::cpu_test {
namespace {

FoldedModelCase folded_model(const std::string& name) { return folded_model_case(name, 3, 4); }

std::unique_ptr<Executable> compile(const FoldedModelCase& m, int threads, Precision p = Precision::fp32) {
#ifdef EB_HAVE_CPU
  CompileOptions o;
  o.threads = threads;
  o.precision = p;
  if (p == Precision::int8) o.extra["edgetpu.calibration"] = "1";  // one calibration sample keeps it fast
  return make_cpu_backend()->compile(m.graph, m.weights, o);
#else
  (void)m, (void)threads, (void)p;
  return nullptr;
#endif
}

TEST(CpuBackend, RegisteredFirstAndAvailable) {
  EB_REQUIRE_CPU();
  const BackendRegistry r = make_backend_registry();
  const auto all = r.all();
  ASSERT_GE(all.size(), 2u);
  EXPECT_EQ(all.front()->name(), "cpu");
  EXPECT_EQ(all.back()->name(), "reference");
  const Probe p = r.get("cpu").probe();
  EXPECT_TRUE(p.available) << p.reason;
  EXPECT_NE(p.device.find("oneDNN"), std::string::npos) << p.device;
}

TEST(CpuBackend, TakesEveryNodeOfEveryModel) {
  EB_REQUIRE_CPU();
  const auto backend = make_cpu_backend();
  const auto registry = make_workload_registry();
  for (const Workload* w : registry.all()) {
    const Graph g = fold_batch_norm(w->build({}), w->make_weights(w->build({}), 1)).graph;
    const PartitionPlan plan = plan_partitions(g, *backend, {});
    EXPECT_EQ(plan.delegated_nodes, plan.total_nodes) << w->name() << ": " << plan.summary();
  }
}

// The probe names the instruction set oneDNN dispatches to (it refuses CPUs where oneDNN
// has only reference kernels; this machine has JIT kernels, or the suite could not run).
TEST(CpuBackend, ProbeNamesTheInstructionSet) {
  EB_REQUIRE_CPU();
  const Probe p = make_cpu_backend()->probe();
  ASSERT_TRUE(p.available) << p.reason;
  EXPECT_TRUE(p.device.find("avx") != std::string::npos || p.device.find("sse41") != std::string::npos) << p.device;
}

TEST(CpuBackend, RefusesNonF32Tensors) {
  EB_REQUIRE_CPU();
  GraphBuilder g("i8");
  const auto x = g.input("x", {4}, DType::i8);
  g.output(g.add(OpKind::relu, NoAttrs{}, {x}, "y"));
  const Graph graph = g.finish();
  EXPECT_FALSE(make_cpu_backend()->supports(graph, graph.nodes[0], {}));
  EXPECT_EQ(make_cpu_backend()->unsupported_reason(graph, graph.nodes[0], {}), "tensor 'x' is i8 (f32 only)");
}

TEST(CpuBackend, ReportsPrecisionAndWhy) {
  EB_REQUIRE_CPU();
  const FoldedModelCase m = folded_model("mobiledet-cpu");
  const auto fp32 = compile(m, 1)->info();
  EXPECT_EQ(fp32.at("precision"), "fp32");
  EXPECT_EQ(fp32.at("threads"), "1");
  EXPECT_FALSE(fp32.at("cpu.isa").empty());
  EXPECT_FALSE(fp32.at("cpu.implementations").empty());
  // What this CPU offers runs and says so; anything else is refused with the reason,
  // never run as another precision.
  const auto offered = make_cpu_backend()->precisions();
  EXPECT_EQ(offered.front(), Precision::fp32);
  for (Precision p : {Precision::bf16, Precision::int8, Precision::fp16, Precision::fixed}) {
    if (std::find(offered.begin(), offered.end(), p) != offered.end()) {
      const auto info = compile(m, 1, p)->info();
      EXPECT_EQ(info.at("precision"), precision_name(p));
      EXPECT_EQ(info.at("precision.requested"), precision_name(p));
      EXPECT_FALSE(info.at("precision.reason").empty());
      continue;
    }
    try {
      (void)compile(m, 1, p);
      ADD_FAILURE() << precision_name(p) << " is not offered but compiled";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(precision_name(p)), std::string::npos) << e.what();
    }
  }
}

// Different thread counts split the work differently but compute the same numbers.
TEST(CpuBackend, ThreadCountDoesNotChangeResults) {
  EB_REQUIRE_CPU();
  for (const char* name : {"mobiledet-cpu", "m3vit-backbone"}) {
    const FoldedModelCase m = folded_model(name);
    const auto one = compile(m, 1)->run(m.inputs);
    const auto two = compile(m, 2)->run(m.inputs);
    ASSERT_EQ(one.size(), two.size());
    for (std::size_t i = 0; i < one.size(); ++i) EXPECT_LT(rel_l2(two[i], one[i]), 1e-6) << name;
  }
}

// The arena is reused between runs and between tensors: repeated runs, and a run after a
// run on other inputs, give bit-identical results.
TEST(CpuBackend, RepeatedRunsAreIdentical) {
  EB_REQUIRE_CPU();
  const FoldedModelCase m = folded_model("m3vit-backbone");
  auto exe = compile(m, kTestThreads);
  const auto first = exe->run(m.inputs);
  const auto other = random_inputs(m.graph, 99);
  exe->run(other);
  const auto again = exe->run(m.inputs);
  ASSERT_EQ(first.size(), again.size());
  for (std::size_t i = 0; i < first.size(); ++i) EXPECT_TRUE(first[i] == again[i]);
}

TEST(CpuBackend, ChecksInputs) {
  EB_REQUIRE_CPU();
  GraphBuilder g("relu");
  g.output(g.add(OpKind::relu, NoAttrs{}, {g.input("x", {2, 3})}, "y"));
  const Graph graph = g.finish();
  auto exe = make_cpu_backend()->compile(graph, {}, {});
  EXPECT_THROW(exe->run({}), std::invalid_argument);
  const std::vector<Tensor> wrong{Tensor(DType::f32, {3, 2})};
  EXPECT_THROW(exe->run(wrong), std::invalid_argument);
}

TEST(CpuBackend, ProfilesEveryNode) {
  EB_REQUIRE_CPU();
  const FoldedModelCase m = folded_model("m3vit-backbone");
  auto exe = compile(m, 1);
  exe->enable_profiling(true);
  exe->run(m.inputs);
  const auto prof = exe->last_profile();
  ASSERT_FALSE(prof.empty());
  double total = 0;
  bool saw_experts = false;
  for (const auto& p : prof) {
    total += p.ns;
    saw_experts = saw_experts || p.op == "moe/experts";
    EXPECT_EQ(p.provenance.kind, Provenance::Kind::measured);
  }
  EXPECT_GT(total, 0);
  EXPECT_TRUE(saw_experts);
}

TEST(CpuMemoryPlan, SharesBytesOnlyBetweenDisjointLifetimes) {
  cpu::MemoryPlan plan;
  const auto a = plan.add(1000), b = plan.add(100), c = plan.add(1000), d = plan.add(64);
  plan.use(a, 0);
  plan.use(a, 1);
  plan.use(b, 1);
  plan.use(b, 2);
  plan.use(c, 2);
  plan.use(c, 3);
  plan.use(d, 0);
  plan.use(d, 3);
  plan.assign();
  auto overlap = [&](cpu::BufferId x, cpu::BufferId y) {
    return plan.offset(x) < plan.offset(y) + plan.bytes(y) && plan.offset(y) < plan.offset(x) + plan.bytes(x);
  };
  EXPECT_FALSE(overlap(a, b));
  EXPECT_FALSE(overlap(b, c));
  EXPECT_FALSE(overlap(a, d));
  EXPECT_FALSE(overlap(c, d));
  EXPECT_TRUE(overlap(a, c));  // a dies before c is born: same bytes
  EXPECT_EQ(plan.offset(a) % cpu::MemoryPlan::kAlignment, 0u);
  EXPECT_LT(plan.arena_bytes(), plan.total_bytes());
}

TEST(CpuPowerModel, LinearInBusyCores) {
  cpu::TdpPowerModel m{100.0, 2, 4, 0.25};
  EXPECT_DOUBLE_EQ(m.watts(0), 50.0);    // two idle sockets
  EXPECT_DOUBLE_EQ(m.watts(4), 125.0);   // one socket busy, one idle
  EXPECT_DOUBLE_EQ(m.watts(8), 200.0);   // both at TDP
  EXPECT_DOUBLE_EQ(m.watts(99), 200.0);  // clamped
  EXPECT_NE(m.description().find("tdp=100W/socket"), std::string::npos) << m.description();
  EXPECT_GE(cpu::host_power_model(65).sockets, 1);
}

}  // namespace
}  // namespace eb::cpu_test
