// Depth RMSE, AbsRel and δ thresholds against hand-computed answers.
#include <cmath>

#include <gtest/gtest.h>

#include "bench/accuracy/depth_metrics.h"

namespace eb::bench {
namespace {

// ground truth 1, 2, 4, 4, 0 (no depth), NaN (no depth); prediction 1.25, 2, 2, 7, 5, 3.
// Valid pixels: 4. Errors 0.25, 0, −2, 3 → squared 0.0625, 0, 4, 9 → RMSE = √(13.0625/4).
// AbsRel = (0.25/1 + 0 + 2/4 + 3/4)/4 = 1.5/4 = 0.375.
// Ratios max(p/g, g/p): 1.25, 1, 2, 1.75 → δ<1.25: 1 (1.25 is not < 1.25); δ<1.5625: 2;
// δ<1.953125: 3.
TEST(DepthMetrics, HandComputed) {
  DepthAccumulator acc;
  acc.add(std::vector<float>{1.25f, 2, 2, 7, 5, 3}, std::vector<float>{1, 2, 4, 4, 0, NAN});
  const DepthMetrics m = acc.metrics();
  EXPECT_EQ(m.valid_pixels, 4u);
  EXPECT_DOUBLE_EQ(m.rmse, std::sqrt(13.0625 / 4));
  EXPECT_DOUBLE_EQ(m.abs_rel, 0.375);
  EXPECT_DOUBLE_EQ(m.delta1, 0.25);
  EXPECT_DOUBLE_EQ(m.delta2, 0.5);
  EXPECT_DOUBLE_EQ(m.delta3, 0.75);
}

TEST(DepthMetrics, PoolsPixelsOverImages) {
  DepthAccumulator split, whole;
  split.add(std::vector<float>{1.25f, 2}, std::vector<float>{1, 2});
  split.add(std::vector<float>{2, 7}, std::vector<float>{4, 4});
  whole.add(std::vector<float>{1.25f, 2, 2, 7}, std::vector<float>{1, 2, 4, 4});
  EXPECT_DOUBLE_EQ(split.metrics().rmse, whole.metrics().rmse);
  EXPECT_DOUBLE_EQ(split.metrics().abs_rel, whole.metrics().abs_rel);
}

TEST(DepthMetrics, NonPositivePredictionNeverWithinDelta) {
  DepthAccumulator acc;
  acc.add(std::vector<float>{-1, 0}, std::vector<float>{1, 1});
  const DepthMetrics m = acc.metrics();
  EXPECT_DOUBLE_EQ(m.delta3, 0.0);
  EXPECT_DOUBLE_EQ(m.rmse, std::sqrt((4.0 + 1.0) / 2));
  EXPECT_DOUBLE_EQ(m.abs_rel, 1.5);
}

TEST(DepthMetrics, NanPredictionShows) {
  DepthAccumulator acc;
  acc.add(std::vector<float>{NAN}, std::vector<float>{1});
  EXPECT_TRUE(std::isnan(acc.metrics().rmse));
  EXPECT_DOUBLE_EQ(acc.metrics().delta1, 0.0);
}

TEST(DepthMetrics, NoValidPixelsAndMismatch) {
  DepthAccumulator acc;
  acc.add(std::vector<float>{1, 2}, std::vector<float>{0, 0});
  EXPECT_EQ(acc.metrics().valid_pixels, 0u);
  EXPECT_DOUBLE_EQ(acc.metrics().rmse, 0.0);
  EXPECT_THROW(acc.add(std::vector<float>{1}, std::vector<float>{1, 2}), std::invalid_argument);
}

}  // namespace
}  // namespace eb::bench
