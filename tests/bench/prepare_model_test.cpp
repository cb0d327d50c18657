// bench/prepare_model.h: the one way a model is made ready to compile — seeded or file
// weights (a file must be exactly the model's), seeded input samples, batch norm folded —
// and compiled on a backend.
#include <gtest/gtest.h>

#include <algorithm>

#include "bench/prepare_model.h"
#include "core/safetensors.h"
#include "tests/support/temp_dir.h"

namespace eb::bench {
namespace {

constexpr const char* kModel = "mobilenet-v1";  // small, with batch norm to fold

bool same(const Tensor& a, const Tensor& b) {
  return a.shape() == b.shape() && a.dtype() == b.dtype() && a.nbytes() == b.nbytes() &&
         std::equal(a.bytes().begin(), a.bytes().end(), b.bytes().begin());
}

bool has_batch_norm(const Graph& g) {
  return std::any_of(g.nodes.begin(), g.nodes.end(),
                     [](const Node& n) { return n.op == OpKind::conv2d && n.attr<Conv2dAttrs>().has_batch_norm; });
}

TEST(PrepareModel, SeededWeightsInputSamplesAndFoldedGraph) {
  const WorkloadRegistry workloads = make_workload_registry();
  const PreparedModel m = prepare_model(workloads, {.model = kModel, .seed = 5, .input_seed = 9, .samples = 3});
  const Workload& w = workloads.get(kModel);
  ASSERT_EQ(m.built.workload, &w);
  const Weights expected = w.make_weights(m.built.graph, 5);
  ASSERT_EQ(m.weights.names(), expected.names());
  for (const auto& name : expected.names()) EXPECT_TRUE(same(m.weights.get(name), expected.get(name))) << name;

  ASSERT_EQ(m.pool.size(), 3u);
  EXPECT_EQ(m.pool.seeds, (std::vector<std::uint64_t>{9, 10, 11}));
  const auto second = w.make_inputs(m.built.graph, 10);
  ASSERT_EQ(m.pool.samples[1].size(), second.size());
  EXPECT_TRUE(same(m.pool.samples[1][0], second[0]));
  ASSERT_EQ(m.inputs().size(), m.pool.samples[0].size());
  EXPECT_TRUE(same(m.inputs()[0], m.pool.samples[0][0]));
  EXPECT_FALSE(same(m.pool.samples[0][0], m.pool.samples[1][0]));

  EXPECT_TRUE(has_batch_norm(m.built.graph));
  EXPECT_FALSE(has_batch_norm(m.folded.graph));
}

TEST(PrepareModel, NoSamplesMeansNoInputs) {
  const PreparedModel m = prepare_model(make_workload_registry(), {.model = kModel, .samples = 0});
  EXPECT_TRUE(m.inputs().empty());
  EXPECT_EQ(m.pool.size(), 0u);
  EXPECT_FALSE(m.folded.graph.nodes.empty());
}

TEST(PrepareModel, UnknownModelOrBadBatchIsAnInvalidJob) {
  const WorkloadRegistry workloads = make_workload_registry();
  EXPECT_THROW(prepare_model(workloads, {.model = "no-such-model"}), InvalidJob);
  EXPECT_THROW(prepare_model(workloads, {.model = kModel, .batch = 0}), InvalidJob);
  EXPECT_THROW(prepare_model(workloads, {.model = kModel, .samples = -1}), InvalidJob);
}

// A weights file is exactly the model's: the seeded weights round-trip; a stray tensor or
// a missing weight is an error naming it.
TEST(PrepareModel, WeightsFileMustBeExactlyTheModels) {
  eb::test::TempDir tmp;
  const WorkloadRegistry workloads = make_workload_registry();
  const PreparedModel seeded = prepare_model(workloads, {.model = kModel, .seed = 3, .samples = 0});
  save_safetensors(tmp / "w.safetensors", seeded.weights);
  const PreparedModel loaded = prepare_model(workloads, {.model = kModel, .weights_file = tmp / "w.safetensors", .samples = 0});
  ASSERT_EQ(loaded.weights.names(), seeded.weights.names());
  for (const auto& name : seeded.weights.names()) EXPECT_TRUE(same(loaded.weights.get(name), seeded.weights.get(name))) << name;

  const auto message_of = [&](const Weights& w, const std::string& file) {
    save_safetensors(tmp / file, w);
    try {
      (void)prepare_model(workloads, {.model = kModel, .weights_file = tmp / file, .samples = 0});
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  Weights extra = seeded.weights;
  extra.set("stray.tensor", Tensor(DType::f32, {2}));
  EXPECT_NE(message_of(extra, "extra.safetensors").find("'stray.tensor'"), std::string::npos);

  Weights missing = seeded.weights;
  const std::string gone = missing.names().front();
  missing.erase(gone);
  EXPECT_NE(message_of(missing, "missing.safetensors").find(gone), std::string::npos);
}

TEST(PrepareModel, CompilesTheFoldedGraphOnABackend) {
  const BackendRegistry backends = make_backend_registry();
  const PreparedModel m = prepare_model(make_workload_registry(), {.model = kModel});
  CompiledModel c = compile_prepared(m, backends.reference(), backends.reference(), {});
  EXPECT_EQ(c.plan.total_nodes, m.folded.graph.nodes.size());
  const auto out = c.executable->run(m.inputs());
  EXPECT_EQ(out.size(), m.folded.graph.outputs.size());
}

}  // namespace
}  // namespace eb::bench
