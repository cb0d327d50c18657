// The fit of the timing model's unsourced parameters (backends/edgetpu/timing_fit.h): it
// recovers parameters it was given, keeps them in bounds, and — on Coral's published
// classifier latencies (data/published/coral.json) — gives exactly the compiled-in defaults.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "backends/edgetpu/timing_fit.h"
#include "models/workload.h"

namespace eb::edgetpu {
namespace {

GraphWork work_of(const std::string& model) { return graph_work(make_workload_registry().get(model).build({}), TpuParams{}); }

double published_ms(const std::string& workload) {
  std::ifstream in(std::string(EB_SOURCE_DIR) + "/data/published/coral.json");
  const auto j = nlohmann::json::parse(in);
  for (const auto& m : j["models"])
    if (m["workload"] == workload) return m["results"][0]["value"].get<double>();
  throw std::invalid_argument("no published figure for " + workload);
}

TEST(TimingFit, CompiledInDefaultsAreTheFitOnThePublishedClassifiers) {
  const std::vector<FitAnchor> anchors{{"mobilenet-v1", work_of("mobilenet-v1"), published_ms("mobilenet-v1")},
                                       {"mobilenet-v2", work_of("mobilenet-v2"), published_ms("mobilenet-v2")}};
  EXPECT_DOUBLE_EQ(anchors[0].published_ms, 2.4);
  EXPECT_DOUBLE_EQ(anchors[1].published_ms, 2.6);
  const TimingFit fit = fit_timing(anchors, TpuParams{}, FitStructure::compute_scale);
  EXPECT_DOUBLE_EQ(fit.compute_scale, kFittedComputeScale);
  EXPECT_NEAR(fit.invoke_overhead_us, kFittedInvokeOverheadUs, 0.05);
  EXPECT_LT(fit.rms_residual_ms, 0.05);
  ASSERT_EQ(fit.points.size(), 2u);
  for (const auto& p : fit.points) EXPECT_LT(std::abs(p.residual_ms), 0.05) << p.name;
}

TEST(TimingFit, RecoversParametersFromSyntheticAnchors) {
  TpuParams truth;
  truth.invoke_overhead_us = 700;
  truth.compute_scale = 2.5;
  std::vector<FitAnchor> anchors;
  for (const char* m : {"mobilenet-v1", "mobilenet-v2"}) {
    FitAnchor a{m, work_of(m), 0};
    a.published_ms = model_timing(a.work, truth).total_ns * 1e-6;
    anchors.push_back(std::move(a));
  }
  const TimingFit fit = fit_timing(anchors, TpuParams{}, FitStructure::compute_scale);
  EXPECT_NEAR(fit.compute_scale, 2.5, 1e-3);
  EXPECT_NEAR(fit.invoke_overhead_us, 700, 2);
  EXPECT_FALSE(fit.at_bound);

  TpuParams linear = truth;
  linear.compute_scale = 1;
  linear.layer_overhead_ns = 2000;
  for (auto& a : anchors) a.published_ms = model_timing(a.work, linear).total_ns * 1e-6;
  const TimingFit lf = fit_timing(anchors, TpuParams{}, FitStructure::layer_overhead);
  EXPECT_NEAR(lf.layer_overhead_ns, 2000, 1e-3);
  EXPECT_NEAR(lf.invoke_overhead_us, 700, 1e-3);
  EXPECT_EQ(lf.apply(TpuParams{}).compute_scale, 1.0);
}

TEST(TimingFit, OverheadsStayNonNegativeAndTooFewAnchorsThrow) {
  std::vector<FitAnchor> anchors{{"mobilenet-v1", work_of("mobilenet-v1"), 0.01}, {"mobilenet-v2", work_of("mobilenet-v2"), 0.01}};
  const TimingFit fit = fit_timing(anchors, TpuParams{}, FitStructure::compute_scale);
  EXPECT_GE(fit.invoke_overhead_us, 0);
  EXPECT_GE(fit.compute_scale, 1);
  EXPECT_TRUE(fit.at_bound);  // published faster than the model can be
  anchors.pop_back();
  EXPECT_THROW(fit_timing(anchors, TpuParams{}, FitStructure::compute_scale), std::invalid_argument);
}

}  // namespace
}  // namespace eb::edgetpu
