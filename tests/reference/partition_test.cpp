// Partitioning with a fake backend that supports only linear and add: the plan, its
// summary, the extracted subgraphs, and running the partitions against pure reference.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "core/partition.h"
#include "core/reference/reference_backend.h"
#include "core/seeded_init.h"

namespace eb {
namespace {

// Runs what it is given on the reference kernels, and reports a modeled device time of
// 1 µs per run so the summing of device times can be checked.
class FakeBackend final : public Backend {
 public:
  // powered: its executables also have a power model, 5 W busy and 1 W idle.
  explicit FakeBackend(bool powered = false) : powered_(powered) {}
  std::string_view name() const override { return "fake"; }
  std::string_view description() const override { return "test double: linear and add only"; }
  Probe probe() const override { return {true, "", "fake device"}; }
  // A reason that starts with its op is shown as it is; others get the op in front.
  std::string unsupported_reason(const Graph&, const Node& n, const CompileOptions&) const override {
    if (n.op == OpKind::linear || n.op == OpKind::add) return {};
    return n.op == OpKind::softmax ? "softmax: needs a lookup table" : "not linear or add";
  }
  std::unique_ptr<Executable> compile(const Graph& g, const Weights& w, const CompileOptions& o) const override {
    compiled.push_back(g.name);
    for (const auto& n : g.nodes)
      if (!supports(g, n, o)) throw std::logic_error("fake backend given unsupported node " + n.name);
    auto exe = std::make_unique<Exe>(ref_->compile(g, w, o));
    exe->graph = g.name;
    exe->powered = powered_;
    return exe;
  }
  mutable std::vector<std::string> compiled;  // graph names, to see what was compiled

 private:
  struct Exe final : Executable {
    explicit Exe(std::unique_ptr<Executable> e) : inner(std::move(e)) {}
    std::vector<Tensor> run(std::span<const Tensor> in) override { return inner->run(in); }
    std::optional<DeviceTime> last_device_time() const override {
      DeviceTime d{.ns = 1000, .provenance = Provenance::modeled("fake")};
      if (powered) {  // a powered fake also models its copies in and out: 100 of its 1100 ns
        d.ns = 1100;
        d.transfer_ns = 100;
        d.transfer_provenance = Provenance::modeled("fake-ddr");
      }
      return d;
    }
    std::map<std::string, std::string> info() const override {
      return {{"fake.clock", "1 GHz"}, {"fake.graph", graph}};
    }
    std::optional<PowerModelInfo> power_model() const override {
      if (!powered) return std::nullopt;
      return PowerModelInfo{"fake-power", {}, 1.0};
    }
    std::optional<double> last_modeled_watts() const override {
      if (!powered) return std::nullopt;
      return 5.0;
    }
    std::unique_ptr<Executable> inner;
    std::string graph;
    bool powered = false;
  };
  std::unique_ptr<Backend> ref_ = make_reference_backend();
  bool powered_;
};

//  a = linear(x)             fake   4·8·8 = 256 MACs
//  b = gelu(a)               ref
//  c = linear(b)             fake   256
//  d = matmul(c, cᵀ)         ref    4·4·8 = 128   (graph output)
//  e = softmax(d)            ref
//  f = matmul(e, a)          ref    4·8·4 = 128
//  g = add(f, c)             fake                 (graph output)
Graph test_graph() {
  GraphBuilder b("g");
  const auto x = b.input("x", {1, 4, 8});
  const auto w1 = b.weight("w1", {8, 8}, WeightInit::with_std(0.3));
  const auto b1 = b.weight("b1", {8}, WeightInit::with_std(0.1));
  const auto w2 = b.weight("w2", {8, 8}, WeightInit::with_std(0.3));
  const auto a = b.add(OpKind::linear, LinearAttrs{Activation::none, true}, {x, w1, b1}, "a");
  const auto bb = b.add(OpKind::gelu, NoAttrs{}, {a}, "b");
  const auto c = b.add(OpKind::linear, LinearAttrs{Activation::none, false}, {bb, w2}, "c");
  const auto d = b.add(OpKind::matmul, MatmulAttrs{true}, {c, c}, "d");
  const auto e = b.add(OpKind::softmax, SoftmaxAttrs{-1}, {d}, "e");
  const auto f = b.add(OpKind::matmul, MatmulAttrs{false}, {e, a}, "f");
  const auto g = b.add(OpKind::add, NoAttrs{}, {f, c}, "g");
  b.output(g);
  b.output(d);
  return b.finish();
}

TEST(Partition, PlanCountsAndSummary) {
  const Graph g = test_graph();
  FakeBackend fake;
  const PartitionPlan plan = plan_partitions(g, fake, {});
  ASSERT_EQ(plan.partitions.size(), 5u);
  const std::vector<std::string> owners{"fake", "reference", "fake", "reference", "fake"};
  const std::vector<std::vector<std::size_t>> nodes{{0}, {1}, {2}, {3, 4, 5}, {6}};
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(plan.partitions[i].backend, owners[i]) << i;
    EXPECT_EQ(plan.partitions[i].nodes, nodes[i]) << i;
  }
  EXPECT_EQ(plan.partitions[3].macs, 256);
  EXPECT_EQ(plan.total_nodes, 7u);
  EXPECT_EQ(plan.delegated_nodes, 3u);
  EXPECT_EQ(plan.total_macs, 768);
  EXPECT_EQ(plan.delegated_macs, 512);
  EXPECT_EQ(plan.fallback_ops, (std::vector<std::string>{"gelu", "matmul", "softmax"}));
  // Each distinct reason once (the two matmuls share theirs), with its op.
  EXPECT_EQ(plan.fallback_reasons,
            (std::vector<std::string>{"gelu: not linear or add", "matmul: not linear or add", "softmax: needs a lookup table"}));
  EXPECT_EQ(plan.summary(),
            "3 of 7 nodes (66.7% of MACs) on fake in 3 partitions; fallback: gelu (not linear or add), matmul (not linear or "
            "add), softmax (needs a lookup table)");
}

// A backend that answers for the wrong number of nodes is a bug, caught before partitioning.
TEST(Partition, ClaimOfTheWrongLengthIsALogicError) {
  struct Short final : Backend {
    std::string_view name() const override { return "short"; }
    std::string_view description() const override { return "claims one node too few"; }
    Probe probe() const override { return {true, "", ""}; }
    std::string unsupported_reason(const Graph&, const Node&, const CompileOptions&) const override { return {}; }
    Capability claim(const Graph& g, const CompileOptions&) const override {
      return {std::vector<std::string>(g.nodes.size() - 1)};
    }
    std::unique_ptr<Executable> compile(const Graph&, const Weights&, const CompileOptions&) const override { return nullptr; }
  };
  EXPECT_THROW(plan_partitions(test_graph(), Short{}, {}), std::logic_error);
}

TEST(Partition, SummaryWhenEverythingIsDelegated) {
  const Graph g = test_graph();
  auto ref = make_reference_backend();
  const PartitionPlan plan = plan_partitions(g, *ref, {});
  ASSERT_EQ(plan.partitions.size(), 1u);
  EXPECT_EQ(plan.summary(), "7 of 7 nodes (100.0% of MACs) on reference in 1 partition");
}

// Without fallback, a node the backend leaves is an error naming the node and why; a
// backend that takes every node compiles.
TEST(Partition, NoFallbackNamesTheNodeAndWhy) {
  const Graph g = test_graph();
  FakeBackend fake;
  CompileOptions o;
  o.allow_fallback = false;
  try {
    plan_partitions(g, fake, o);
    FAIL() << "a node left to the reference must throw without fallback";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "backend 'fake' does not support node 'b' (gelu: not linear or add) and fallback is disabled");
  }
  auto ref = make_reference_backend();
  EXPECT_NO_THROW(compile_partitioned(g, init_weights(g, 1), *ref, *ref, o));
}

TEST(Partition, ExtractSubgraph) {
  const Graph g = test_graph();
  FakeBackend fake;
  const PartitionPlan plan = plan_partitions(g, fake, {});
  // Partition 0 = {a}: reads x and its weights; a is read by b and by f (later partitions).
  const Graph p0 = extract_subgraph(g, plan.partitions[0], "p0");
  EXPECT_EQ(p0.name, "p0");
  EXPECT_EQ(p0.inputs, std::vector<std::string>{"x"});
  EXPECT_EQ(p0.outputs, std::vector<std::string>{"a"});
  ASSERT_EQ(p0.weights.size(), 2u);
  EXPECT_EQ(p0.weights[0].name, "w1");
  EXPECT_EQ(p0.weights[1].name, "b1");
  // Partition 3 = {d, e, f}: reads c and a from other partitions; d is a graph output,
  // f is read by g, e stays inside.
  const Graph p3 = extract_subgraph(g, plan.partitions[3], "p3");
  EXPECT_EQ(p3.inputs, (std::vector<std::string>{"c", "a"}));
  EXPECT_EQ(p3.outputs, (std::vector<std::string>{"d", "f"}));
  EXPECT_TRUE(p3.weights.empty());
  EXPECT_EQ(p3.info("c").kind, TensorKind::input);
  EXPECT_EQ(p3.info("c").shape, (Shape{1, 4, 8}));
  EXPECT_EQ(p3.nodes.size(), 3u);
  // Partition 4 = {g}: only the graph output leaves it.
  const Graph p4 = extract_subgraph(g, plan.partitions[4], "p4");
  EXPECT_EQ(p4.inputs, (std::vector<std::string>{"f", "c"}));
  EXPECT_EQ(p4.outputs, std::vector<std::string>{"g"});
}

TEST(Partition, CompiledPartitionsMatchPureReference) {
  const Graph g = test_graph();
  const Weights w = init_weights(g, 3);
  const auto in = random_inputs(g, 4);
  FakeBackend fake;
  auto ref = make_reference_backend();
  PartitionPlan plan;
  auto exe = compile_partitioned(g, w, fake, *ref, {}, &plan);
  EXPECT_EQ(plan.partitions.size(), 5u);
  EXPECT_EQ(fake.compiled.size(), 3u);  // only the fake partitions went to the fake backend
  exe->enable_profiling(true);
  const auto got = exe->run(in);
  const auto want = ref->compile(g, w, {})->run(in);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], want[0]);  // same kernels, same order: bit-identical
  EXPECT_EQ(got[1], want[1]);
  EXPECT_NE(got[0], got[0].reshaped({4, 8}));  // (guard: equality does look at the shape)
  ASSERT_TRUE(exe->last_device_time().has_value());
  // The system time: three fake partitions of 1 µs on the device, plus the two reference
  // partitions' wall time as the host's share (measured: only its presence is checked).
  const DeviceTime dt = *exe->last_device_time();
  EXPECT_GT(dt.host_ns, 0);
  EXPECT_DOUBLE_EQ(dt.ns - dt.host_ns, 3000);
  EXPECT_EQ(dt.host_what, "2 fallback partitions on the reference kernels");
  // The fake partitions (which do not profile) appear as one entry each; the reference
  // partitions as their nodes: a, b, c, d, e, f, g in order.
  const auto prof = exe->last_profile();
  ASSERT_EQ(prof.size(), 7u);
  EXPECT_EQ(prof[0].op, "partition:fake");
  EXPECT_EQ(prof[1].node, "b");
  EXPECT_EQ(prof[1].op, "gelu");
  EXPECT_EQ(prof[3].node, "d");
  EXPECT_EQ(prof[5].node, "f");
  EXPECT_EQ(prof[6].op, "partition:fake");
  // Facts the partitions agree on are kept once; differing ones per partition.
  const auto info = exe->info();
  EXPECT_EQ(info.at("fake.clock"), "1 GHz");
  EXPECT_EQ(info.at("partitions"), "5");
  EXPECT_FALSE(info.contains("fake.graph"));
  EXPECT_EQ(info.at("g/partition0:fake.fake.graph"), "g/partition0:fake");
  EXPECT_EQ(info.at("g/partition4:fake.fake.graph"), "g/partition4:fake");
  // Running twice gives the same answer (nothing consumed by the first run).
  EXPECT_EQ(exe->run(in)[0], want[0]);
}

// A device split into several partitions still has one power model: its modeled watts over
// each device partition's time, its idle watts while the host runs the fallback partitions.
TEST(Partition, SeveralDevicePartitionsShareOnePowerModel) {
  const Graph g = test_graph();
  const Weights w = init_weights(g, 3);
  const auto in = random_inputs(g, 4);
  auto ref = make_reference_backend();
  FakeBackend unpowered;
  EXPECT_FALSE(compile_partitioned(g, w, unpowered, *ref, {})->power_model().has_value());
  FakeBackend fake(true);
  auto exe = compile_partitioned(g, w, fake, *ref, {});
  const auto model = exe->power_model();
  ASSERT_TRUE(model.has_value());
  EXPECT_EQ(model->model, "fake-power (over 3 device partition(s); idle power during the 2 host partition(s), whose CPU power is not in this model)");
  EXPECT_DOUBLE_EQ(model->idle_watts, 1.0);
  EXPECT_FALSE(exe->last_modeled_watts().has_value());  // nothing has run yet
  (void)exe->run(in);
  const DeviceTime dt = *exe->last_device_time();
  const auto watts = exe->last_modeled_watts();
  ASSERT_TRUE(watts.has_value());
  EXPECT_NEAR(*watts, (5.0 * 3300 + 1.0 * dt.host_ns) / dt.ns, 1e-9);
  // The device partitions' modeled transfers add up, labelled apart from the device's part.
  EXPECT_DOUBLE_EQ(dt.transfer_ns, 300);
  EXPECT_EQ(dt.transfer_provenance, Provenance::modeled("fake-ddr"));
  EXPECT_NE(dt.transfer_what.find("3 device partition(s)"), std::string::npos);
  EXPECT_DOUBLE_EQ(dt.ns, 3300 + dt.host_ns);
  EXPECT_LT(*watts, 5.0);
  EXPECT_GT(*watts, 1.0);
}

TEST(Partition, SinglePartitionCompilesTheWholeGraphDirectly) {
  GraphBuilder b("lin");
  const auto x = b.input("x", {2, 3});
  const auto w = b.weight("w", {3, 3}, WeightInit::with_std(1));
  const auto y = b.add(OpKind::linear, LinearAttrs{Activation::none, false}, {x, w}, "y");
  b.output(b.add(OpKind::add, NoAttrs{}, {y, x}, "z"));
  const Graph g = b.finish();
  FakeBackend fake;
  auto ref = make_reference_backend();
  auto exe = compile_partitioned(g, init_weights(g, 1), fake, *ref, {});
  EXPECT_EQ(fake.compiled, std::vector<std::string>{"lin"});
  const auto in = random_inputs(g, 2);
  EXPECT_EQ(exe->run(in)[0], ref->compile(g, init_weights(g, 1), {})->run(in)[0]);
}

}  // namespace
}  // namespace eb
