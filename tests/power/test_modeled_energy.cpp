// Energy of a simulated device (`--power model` on a backend whose time is modeled): the
// model's power integrated over the modeled run times, checked against sums done by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "bench/power/modeled_energy.h"

namespace eb::bench {
namespace {

const PowerProvenance kModel = PowerProvenance::modeled("board-model(static=3.5W)", {{"static_w", "3.5"}});

TEST(ModeledEnergy, IntegratesEachRunsPowerOverItsModeledTime) {
  // 8 W for 20 ms, 9 W for 10 ms, 8 W for 30 ms: 0.16 + 0.09 + 0.24 = 0.49 J over 60 ms.
  const std::vector<double> watts{8, 9, 8}, ns{20e6, 10e6, 30e6};
  const EnergyRecord r = modeled_energy_record(watts, ns, 3, kModel, std::nullopt);
  EXPECT_EQ(r.clock, kModeledDeviceClock);
  EXPECT_NEAR(r.window.seconds(), 0.060, 1e-12);
  ASSERT_EQ(r.sources.size(), 1u);
  EXPECT_EQ(r.sources[0].name, "model");
  EXPECT_NE(r.sources[0].method.find("modeled device time"), std::string::npos);
  ASSERT_TRUE(r.totals.has_value());
  const EnergyTotals& t = *r.totals;
  EXPECT_NEAR(t.gross_j.value, 0.49, 1e-12);
  EXPECT_NEAR(t.mean_w.value, 0.49 / 0.060, 1e-9);
  ASSERT_TRUE(t.gross_mj_per_inference.has_value());
  EXPECT_NEAR(t.gross_mj_per_inference->value, 490.0 / 3, 1e-9);
  ASSERT_TRUE(t.inferences_per_gross_j.has_value());
  EXPECT_NEAR(t.inferences_per_gross_j->value, 3 / 0.49, 1e-9);
  // Every figure is modeled and names the model.
  EXPECT_FALSE(t.gross_j.provenance.is_measured());
  EXPECT_NE(t.gross_j.provenance.base.source.find("board-model"), std::string::npos);
  EXPECT_FALSE(t.idle_j.has_value());
  EXPECT_TRUE(r.warnings.empty()) << r.warnings.front();  // no "window too short" for a model
}

TEST(ModeledEnergy, IdleBaselineIsTheModelsIdlePower) {
  const std::vector<double> watts{8, 8}, ns{25e6, 25e6};
  const EnergyRecord r = modeled_energy_record(watts, ns, 2, kModel, 3.5);
  ASSERT_TRUE(r.totals && r.totals->idle_j && r.totals->net_j && r.totals->net_mj_per_inference);
  EXPECT_NEAR(r.totals->idle_j->value, 3.5 * 0.050, 1e-12);
  EXPECT_NEAR(r.totals->net_j->value, (8 - 3.5) * 0.050, 1e-12);
  EXPECT_NEAR(r.totals->net_mj_per_inference->value, (8 - 3.5) * 25.0, 1e-9);
  EXPECT_FALSE(r.totals->net_j->provenance.is_measured());
}

TEST(ModeledEnergy, RejectsSeriesThatCannotBeIntegrated) {
  const std::vector<double> one{1}, two{1, 1}, none;
  EXPECT_THROW(modeled_energy_record(none, none, 0, kModel, std::nullopt), std::invalid_argument);
  EXPECT_THROW(modeled_energy_record(one, two, 1, kModel, std::nullopt), std::invalid_argument);
  const std::vector<double> negative{-1}, nan{std::numeric_limits<double>::quiet_NaN()}, zero{0};
  EXPECT_THROW(modeled_energy_record(negative, one, 1, kModel, std::nullopt), std::invalid_argument);
  EXPECT_THROW(modeled_energy_record(nan, one, 1, kModel, std::nullopt), std::invalid_argument);
  EXPECT_THROW(modeled_energy_record(one, zero, 1, kModel, std::nullopt), std::invalid_argument);
}

}  // namespace
}  // namespace eb::bench
