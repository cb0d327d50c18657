// The scalar function units: exponential, reciprocal, integer square root.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "backends/fpga/hw/math_units.h"

namespace eb::fpga::hw {
namespace {

// The design calls hls::exp on an fm_t and keeps an fm_t: modelled as e^x truncated to 22
// fractional bits (AP_TRN). The table exp this replaced (2^(i/256) ROM, linear
// interpolation) was off by up to 2·10⁻⁶ relative, so it failed this on most arguments.
TEST(ExpUnit, IsExpTruncatedToTheFmTStep) {
  std::int64_t overflows = 0;
  int checked = 0;
  for (std::int64_t raw = 0; raw >= -(std::int64_t{40} << 22); raw -= 977) {  // x from 0 down to −40
    const act_t x = act_t::from_raw(raw);
    const auto want = static_cast<std::int64_t>(std::floor(std::ldexp(std::exp(x.to_double()), 22)));
    ASSERT_EQ(exp_unit(x, overflows).raw(), want) << x.to_double();
    ++checked;
  }
  EXPECT_GT(checked, 100000);
  EXPECT_EQ(exp_unit(act_t(), overflows).to_double(), 1.0);
  // Chosen arguments: e^−1 · 2^22 = 1542998.21… → 1542998; e^−0.5 · 2^22 = 2543973.97… →
  // 2543973 (truncated: rounding would give 2543974).
  EXPECT_EQ(exp_unit(act_t::from_double(-1.0), overflows).raw(), 1542998);
  EXPECT_EQ(exp_unit(act_t::from_double(-0.5), overflows).raw(), 2543973);
  EXPECT_EQ(exp_unit(act_t::min(), overflows).raw(), 0);
  EXPECT_EQ(exp_unit(act_t::from_double(1.0), overflows).raw(), static_cast<std::int64_t>(std::floor(std::exp(1.0) * 4194304.0)));
  EXPECT_EQ(overflows, 0);
  EXPECT_EQ(exp_unit(act_t::from_double(7.0), overflows), act_t::max());  // e^7 > 512: beyond fm_t, clamped and counted
  EXPECT_EQ(overflows, 1);
}

TEST(ReciprocalUnit, IsFloorOfTwoToThe44OverRaw) {
  EXPECT_EQ(reciprocal(act_t::from_double(4.0)).to_double(), 0.25);
  EXPECT_EQ(reciprocal(act_t::from_double(3.0)).raw(), (std::int64_t{1} << 44) / (3 << 22));
  EXPECT_EQ(reciprocal(act_t()), act_t::max());
  EXPECT_NEAR(reciprocal(act_t::from_double(129.0)).to_double(), 1.0 / 129.0, std::ldexp(1.0, -22));
}

TEST(SqrtUnit, IsFloorOfSquareRoot) {
  for (std::uint64_t v : {0ULL, 1ULL, 2ULL, 3ULL, 4ULL, 15ULL, 16ULL, 17ULL, 1ULL << 40, (1ULL << 62) + 12345ULL, ~0ULL >> 1}) {
    const std::uint64_t r = isqrt(v);
    EXPECT_LE(r * r, v) << v;
    EXPECT_GT((r + 1) * (r + 1), v) << v;
  }
}

}  // namespace
}  // namespace eb::fpga::hw
