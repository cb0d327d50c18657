// Latency statistics: nearest-rank percentiles on known samples, and the moments.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "bench/latency_stats.h"

namespace eb::bench {
namespace {

std::vector<double> one_to(int n) {
  std::vector<double> v(static_cast<std::size_t>(n));
  std::iota(v.begin(), v.end(), 1.0);
  return v;
}

TEST(LatencyStats, NearestRankOnOneToTen) {
  const auto v = one_to(10);
  // rank = ceil(p/100 · 10)
  EXPECT_EQ(percentile_nearest_rank(v, 0), 1);
  EXPECT_EQ(percentile_nearest_rank(v, 5), 1);
  EXPECT_EQ(percentile_nearest_rank(v, 10), 1);
  EXPECT_EQ(percentile_nearest_rank(v, 11), 2);
  EXPECT_EQ(percentile_nearest_rank(v, 50), 5);
  EXPECT_EQ(percentile_nearest_rank(v, 51), 6);
  EXPECT_EQ(percentile_nearest_rank(v, 90), 9);  // exactly 9, not stepped up by rounding
  EXPECT_EQ(percentile_nearest_rank(v, 95), 10);
  EXPECT_EQ(percentile_nearest_rank(v, 100), 10);
}

TEST(LatencyStats, NearestRankExactProductsDoNotStepUp) {
  const auto thousand = one_to(1000);
  EXPECT_EQ(percentile_nearest_rank(thousand, 99.9), 999);
  EXPECT_EQ(percentile_nearest_rank(thousand, 99), 990);
  EXPECT_EQ(percentile_nearest_rank(thousand, 50), 500);
  const auto hundred = one_to(100);
  EXPECT_EQ(percentile_nearest_rank(hundred, 99), 99);
  EXPECT_EQ(percentile_nearest_rank(hundred, 99.9), 100);
  EXPECT_EQ(percentile_nearest_rank(hundred, 57), 57);
  const auto three = one_to(3);
  EXPECT_EQ(percentile_nearest_rank(three, 100.0 / 3.0), 1);
  EXPECT_EQ(percentile_nearest_rank(three, 34), 2);
}

TEST(LatencyStats, PercentilesAreAlwaysSamples) {
  const std::vector<double> v = {15, 20, 35, 40, 50};  // the textbook example
  EXPECT_EQ(percentile_nearest_rank(v, 5), 15);
  EXPECT_EQ(percentile_nearest_rank(v, 30), 20);
  EXPECT_EQ(percentile_nearest_rank(v, 40), 20);
  EXPECT_EQ(percentile_nearest_rank(v, 50), 35);
  EXPECT_EQ(percentile_nearest_rank(v, 100), 50);
}

TEST(LatencyStats, StatsOfUnsortedSamples) {
  const std::vector<std::int64_t> samples = {900, 100, 500, 300, 700};
  const LatencyStats s = compute_latency_stats(samples);
  EXPECT_EQ(s.count, 5u);
  EXPECT_EQ(s.min_ns, 100);
  EXPECT_EQ(s.max_ns, 900);
  EXPECT_DOUBLE_EQ(s.mean_ns, 500);
  EXPECT_NEAR(s.stddev_ns, std::sqrt(100000.0), 1e-9);  // sample stddev: Σ(x−μ)² = 400000, n−1 = 4
  EXPECT_NEAR(s.cv, std::sqrt(100000.0) / 500, 1e-12);
  EXPECT_EQ(s.p50_ns, 500);
  EXPECT_EQ(s.p90_ns, 900);  // ceil(4.5) = 5
  EXPECT_EQ(s.p95_ns, 900);
  EXPECT_EQ(s.p99_ns, 900);
  EXPECT_EQ(s.p99_9_ns, 900);
}

TEST(LatencyStats, SingleSample) {
  const std::vector<double> one = {42};
  const LatencyStats s = compute_latency_stats(one);
  EXPECT_EQ(s.p50_ns, 42);
  EXPECT_EQ(s.p99_9_ns, 42);
  EXPECT_EQ(s.stddev_ns, 0);
  EXPECT_EQ(s.cv, 0);
}

TEST(LatencyStats, LargeSampleTails) {
  std::vector<double> v = one_to(2000);
  std::reverse(v.begin(), v.end());
  const LatencyStats s = compute_latency_stats(v);
  EXPECT_EQ(s.p50_ns, 1000);
  EXPECT_EQ(s.p90_ns, 1800);
  EXPECT_EQ(s.p95_ns, 1900);
  EXPECT_EQ(s.p99_ns, 1980);
  EXPECT_EQ(s.p99_9_ns, 1998);
}

TEST(LatencyStats, RejectsEmptyAndOutOfRange) {
  EXPECT_THROW(compute_latency_stats(std::vector<double>{}), std::invalid_argument);
  const auto v = one_to(3);
  EXPECT_THROW(percentile_nearest_rank(v, -1), std::invalid_argument);
  EXPECT_THROW(percentile_nearest_rank(v, 100.5), std::invalid_argument);
  EXPECT_THROW(percentile_nearest_rank(v, std::nan("")), std::invalid_argument);
}

}  // namespace
}  // namespace eb::bench
