// Routing on the default seeded input: the experts share the tokens the way a trained
// M³ViT's do (no expert takes more than a quarter of a layer's slots), activations stay
// in a realistic range, and describe_outputs reports the load.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "core/reference/reference_backend.h"
#include "models/m3vit/expert_load.h"
#include "models/m3vit/m3vit.h"

namespace eb::m3vit {
namespace {

const Workload& backbone_workload() {
  static const auto all = make_workloads();
  return *all[0];
}

struct DefaultRun {
  Graph graph;
  Weights weights;
  std::vector<Tensor> inputs;
};

DefaultRun default_run(const std::string& task, int batch = 1) {
  const Workload& w = backbone_workload();
  DefaultRun r{w.build({.task = task, .batch = batch}), {}, {}};
  r.weights = w.make_weights(r.graph, 0);
  r.inputs = w.make_inputs(r.graph, 0);
  return r;
}

class M3vitRouting : public ::testing::TestWithParam<std::string> {};

TEST_P(M3vitRouting, NoExpertTakesMoreThanAQuarterOfTheSlots) {
  const DefaultRun r = default_run(GetParam());
  const auto load = expert_load(r.graph, r.weights, r.inputs);
  ASSERT_EQ(load.size(), 6u);
  for (std::size_t i = 0; i < load.size(); ++i) {
    const LayerLoad& l = load[i];
    EXPECT_EQ(l.block, static_cast<int>(2 * i + 1));
    ASSERT_EQ(l.counts.size(), 16u);
    EXPECT_EQ(l.slots(), 129 * 2);
    EXPECT_LE(l.max_share(), 0.25) << GetParam() << " block " << l.block;
    int used = 0;
    for (auto c : l.counts) used += c > 0;
    EXPECT_GE(used, 12) << GetParam() << " block " << l.block;  // the work is spread over most experts
  }
}

TEST_P(M3vitRouting, Block11ActivationsInARealisticRange) {
  const DefaultRun r = default_run(GetParam());
  const auto values = run_reference_all(r.graph, r.weights, r.inputs);
  const auto v = values.at("blocks.11").data<float>();
  double s = 0, s2 = 0;
  for (float x : v) {
    ASSERT_TRUE(std::isfinite(x));
    s += x;
    s2 += static_cast<double>(x) * x;
  }
  const double mean = s / static_cast<double>(v.size());
  const double sd = std::sqrt(s2 / static_cast<double>(v.size()) - mean * mean);
  EXPECT_GT(sd, 1.0);
  EXPECT_LT(sd, 3.0);
  EXPECT_LT(std::abs(mean), 0.2);
  std::printf("[ info ] %s: block-11 output std %.3f\n", GetParam().c_str(), sd);
}

INSTANTIATE_TEST_SUITE_P(Tasks, M3vitRouting, ::testing::Values("seg", "depth"), [](const auto& info) { return info.param; });

TEST(M3vitRoutingJson, DescribeOutputsReportsTheLoadForEachTask) {
  for (const auto& w : make_workloads())
    for (const std::string task : {"seg", "depth"}) {
      const Graph g = w->build({.task = task, .batch = 1});
      const Weights weights = w->make_weights(g, 0);
      const auto inputs = w->make_inputs(g, 0);
      const auto j = w->describe_outputs(g, weights, inputs, {});
      EXPECT_EQ(j.at("task"), task);
      ASSERT_EQ(j.at("expert_load").size(), 6u);
      const auto& first = j.at("expert_load").at(0);
      EXPECT_EQ(first.at("block"), 1);
      EXPECT_EQ(first.at("counts").size(), 16u);
      EXPECT_GT(first.at("max_share").get<double>(), 1.0 / 16);
      EXPECT_LE(first.at("max_share").get<double>(), 0.25);
    }
}

TEST(M3vitRoutingJson, BatchCountsEveryImage) {
  const DefaultRun r = default_run("seg", 2);
  const auto load = expert_load(r.graph, r.weights, r.inputs);
  ASSERT_EQ(load.size(), 6u);
  for (const auto& l : load) EXPECT_EQ(l.slots(), 2 * 129 * 2);
}

}  // namespace
}  // namespace eb::m3vit
