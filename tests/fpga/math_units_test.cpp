// The scalar function units: exponential (ROM checked entry by entry), reciprocal,
// integer square root.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "backends/fpga/hw/math_units.h"

namespace eb::fpga::hw {
namespace {

TEST(ExpUnit, RomHoldsTwoToTheIOver256) {
  for (std::size_t i = 0; i < kExp2Rom.size(); ++i)
    EXPECT_EQ(kExp2Rom[i], static_cast<std::uint32_t>(std::llround(std::ldexp(std::exp2(static_cast<double>(i) / 256.0), 30)))) << i;
  EXPECT_EQ(kLog2eQ30, std::llround(std::ldexp(std::log2(std::exp(1.0)), 30)));
}

TEST(ExpUnit, MatchesExpWithinTwoPartsPerMillionPlusOneStep) {
  double worst = 0;
  for (std::int64_t raw = 0; raw >= -(std::int64_t{40} << 22); raw -= 977) {  // x from 0 down to −40
    const act_t x = act_t::from_raw(raw);
    const double want = std::exp(x.to_double());
    const double err = std::abs(exp_nonpositive(x).to_double() - want);
    worst = std::max(worst, err - 2e-6 * want);
  }
  EXPECT_LE(worst, std::ldexp(2.0, -22));
  EXPECT_EQ(exp_nonpositive(act_t()).to_double(), 1.0);
  EXPECT_EQ(exp_nonpositive(act_t::from_double(3.0)).to_double(), 1.0);  // positive: clamped to e^0
  EXPECT_EQ(exp_nonpositive(act_t::min()).raw(), 0);
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
