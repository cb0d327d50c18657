// GELU approximation (Edge-MoE technique 3): ReLU(x) − δ(|x|), δ tabulated at 177 points
// with step 1/32 on [0, 5.5] and linearly interpolated; max error below 2e-4 on [−8, 8].
#include <gtest/gtest.h>

#include <cmath>

#include "backends/fpga/hw/math_units.h"

namespace eb::fpga::hw {
namespace {

double exact_gelu(double x) { return 0.5 * x * std::erfc(-x / std::sqrt(2.0)); }

TEST(Gelu, RomHoldsDeltaAt177PointsStepOneThirtySecond) {
  ASSERT_EQ(kGeluDeltaRom.size(), 177u);  // u = 0, 1/32, …, 5.5
  for (std::size_t i = 0; i < kGeluDeltaRom.size(); ++i) {
    const double u = static_cast<double>(i) / 32.0;
    EXPECT_EQ(kGeluDeltaRom[i], std::llround(std::ldexp(u * 0.5 * std::erfc(u / std::sqrt(2.0)), 22))) << i;
  }
}

TEST(Gelu, MaxErrorOverMinusEightToEightIsBelowTwoTimesTenToTheMinusFour) {
  // Every 2^−12 over [−8, 8] (65,537 points, including all ROM knots and midpoints).
  double worst = 0, worst_x = 0;
  for (std::int64_t k = -(8 << 12); k <= (8 << 12); ++k) {
    const act_t x = act_t::from_raw(k << 10);
    const double err = std::abs(gelu(x).to_double() - exact_gelu(x.to_double()));
    if (err > worst) worst = err, worst_x = x.to_double();
  }
  RecordProperty("max_error", std::to_string(worst));
  RecordProperty("at", std::to_string(worst_x));
  EXPECT_LT(worst, 2e-4) << "at x = " << worst_x;
  EXPECT_GT(worst, 1e-5);  // the figure is the interpolation's, not a vacuous zero
}

TEST(Gelu, IsReluBeyondTheTable) {
  EXPECT_EQ(gelu(act_t::from_double(6.0)).to_double(), 6.0);
  EXPECT_EQ(gelu(act_t::from_double(-6.0)).to_double(), 0.0);
  EXPECT_EQ(gelu(act_t()).raw(), 0);
  EXPECT_EQ(gelu(act_t::max()), act_t::max());
}

}  // namespace
}  // namespace eb::fpga::hw
