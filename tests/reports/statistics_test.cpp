#include "reports/statistics.h"

#include <cmath>

#include <gtest/gtest.h>

namespace eb::reports {
namespace {

TEST(ReportStatistics, PercentilesAreNearestRank) {
  const std::vector<double> v = {5, 1, 4, 2, 3};
  EXPECT_EQ(percentile_of(v, 50), 3);
  EXPECT_EQ(percentile_of(v, 90), 5);
  EXPECT_EQ(percentile_of(v, 0), 1);
  EXPECT_EQ(median_of(std::vector<double>{1, 2, 3, 4}), 2);
  EXPECT_DOUBLE_EQ(mean_of(v), 3);
  EXPECT_THROW(percentile_of(std::vector<double>{}, 50), std::invalid_argument);
}

TEST(ReportStatistics, MannWhitneyNeedsNineRunsPerSide) {
  const std::vector<double> eight = {1, 2, 3, 4, 5, 6, 7, 8}, nine = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  EXPECT_FALSE(mann_whitney_u(eight, nine).has_value());
  EXPECT_TRUE(mann_whitney_u(nine, nine).has_value());
}

// Completely separated samples of 9: U = 0, z = (0 - 40.5 + 0.5) / sqrt(81 * 19 / 12),
// p = erfc(|z| / sqrt 2) — worked by hand.
TEST(ReportStatistics, MannWhitneySeparatedSamples) {
  std::vector<double> a, b;
  for (int i = 1; i <= 9; ++i) {
    a.push_back(i);
    b.push_back(i + 9);
  }
  const auto u = mann_whitney_u(a, b);
  ASSERT_TRUE(u);
  EXPECT_DOUBLE_EQ(u->u, 0);
  const double z = -40.0 / std::sqrt(81.0 * 19.0 / 12.0);
  EXPECT_NEAR(u->z, z, 1e-12);
  EXPECT_NEAR(u->p_value, std::erfc(-z / std::sqrt(2.0)), 1e-12);
  EXPECT_NEAR(u->p_value, 0.000412, 2e-5);
  EXPECT_TRUE(u->significant());
  EXPECT_DOUBLE_EQ(u->effect, 0);  // a is never above b: a is faster
  const auto reverse = mann_whitney_u(b, a);
  EXPECT_DOUBLE_EQ(reverse->u, 81);  // U_a + U_b = n_a n_b
  EXPECT_NEAR(reverse->p_value, u->p_value, 1e-12);
}

TEST(ReportStatistics, MannWhitneyTiesAndEqualSamples) {
  const std::vector<double> same(10, 7.0);
  const auto u = mann_whitney_u(same, same);
  ASSERT_TRUE(u);
  EXPECT_DOUBLE_EQ(u->p_value, 1);
  EXPECT_FALSE(u->significant());
  // Interleaved samples with ties: no significant difference.
  const std::vector<double> a = {1, 2, 2, 3, 4, 5, 5, 6, 7, 8}, b = {1, 2, 3, 3, 4, 5, 6, 6, 7, 8};
  const auto m = mann_whitney_u(a, b);
  EXPECT_GT(m->p_value, 0.5);
  EXPECT_NEAR(m->effect, 0.5, 0.1);
}

TEST(ReportStatistics, BootstrapIsSeededAndBracketsTheEstimate) {
  const std::vector<double> a = {10, 11, 12, 10, 13, 11, 12, 10, 11, 14}, b = {20, 22, 21, 20, 23, 21, 22, 20, 24, 21};
  const Statistic ratio = [](const std::vector<std::vector<double>>& g) { return median_of(g[1]) / median_of(g[0]); };
  const auto r1 = bootstrap_interval({a, b}, ratio, 1000, 42);
  const auto r2 = bootstrap_interval({a, b}, ratio, 1000, 42);
  const auto r3 = bootstrap_interval({a, b}, ratio, 1000, 43);
  EXPECT_EQ(r1.low, r2.low);
  EXPECT_EQ(r1.high, r2.high);
  EXPECT_DOUBLE_EQ(r1.estimate, 21.0 / 11.0);
  EXPECT_LE(r1.low, r1.estimate);
  EXPECT_GE(r1.high, r1.estimate);
  EXPECT_LT(r1.low, r1.high);
  EXPECT_GT(r1.low, 1.5);  // b is clearly about twice a
  EXPECT_LT(r1.high, 2.5);
  EXPECT_TRUE(r3.low != r1.low || r3.high != r1.high);
}

TEST(ReportStatistics, BootstrapOfConstantSamplesIsAPoint) {
  const std::vector<double> a(5, 2.0), b(7, 6.0);
  const Statistic ratio = [](const std::vector<std::vector<double>>& g) { return mean_of(g[1]) / mean_of(g[0]); };
  const auto r = bootstrap_interval({a, b}, ratio);
  EXPECT_DOUBLE_EQ(r.low, 3);
  EXPECT_DOUBLE_EQ(r.high, 3);
}

}  // namespace
}  // namespace eb::reports
