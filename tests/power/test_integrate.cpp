// Energy of a window from synthetic counter and power series, against hand-computed answers.
#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "bench/power/integrate.h"
#include "tests/power/ns.h"

namespace eb::bench {
namespace {

using testing::kS;

std::int64_t at(double seconds) { return static_cast<std::int64_t>(seconds * kS); }

// Power: 10 W at 0 s rising to 20 W at 1 s, flat to 3 s, falling to 0 W at 4 s.
const std::vector<PowerSample> kPower{{at(0), 10}, {at(1), 20}, {at(3), 20}, {at(4), 0}};

TEST(Trapezoid, WholeSeries) {
  // 15 J (0-1 s) + 40 J (1-3 s) + 10 J (3-4 s)
  EXPECT_DOUBLE_EQ(trapezoid_energy(kPower, at(0), at(4)), 65.0);
}

TEST(Trapezoid, WindowClippedWithInterpolatedEnds) {
  // P(0.5) = 15 W, P(3.5) = 10 W: (15+20)/2·0.5 + 40 + (20+10)/2·0.5 = 8.75 + 40 + 7.5
  EXPECT_DOUBLE_EQ(trapezoid_energy(kPower, at(0.5), at(3.5)), 56.25);
}

TEST(Trapezoid, WindowInsideOneInterval) {
  // P(3.25) = 15 W, P(3.75) = 5 W over 0.5 s
  EXPECT_DOUBLE_EQ(trapezoid_energy(kPower, at(3.25), at(3.75)), 5.0);
}

TEST(Trapezoid, WindowEndingOnASample) {
  EXPECT_DOUBLE_EQ(trapezoid_energy(kPower, at(1), at(3)), 40.0);
}

TEST(Trapezoid, EmptyWindowIsZero) { EXPECT_EQ(trapezoid_energy(kPower, at(2), at(2)), 0.0); }

TEST(Trapezoid, UnevenSpacing) {
  // 2 W for 0.1 s, then ramp 2 -> 4 W over 0.9 s: 0.2 + 2.7
  const std::vector<PowerSample> s{{at(0), 2}, {at(0.1), 2}, {at(1.0), 4}};
  EXPECT_NEAR(trapezoid_energy(s, at(0), at(1)), 2.9, 1e-12);
}

TEST(Trapezoid, RefusesWhatItCannotKnow) {
  EXPECT_THROW(trapezoid_energy(kPower, at(-1), at(2)), std::domain_error);  // before the first sample
  EXPECT_THROW(trapezoid_energy(kPower, at(1), at(5)), std::domain_error);   // after the last
  EXPECT_THROW(trapezoid_energy(kPower, at(2), at(1)), std::domain_error);   // reversed window
  EXPECT_THROW(trapezoid_energy({}, at(0), at(0)), std::domain_error);
  const std::vector<PowerSample> backwards{{at(0), 1}, {at(2), 1}, {at(1), 1}};
  EXPECT_THROW(trapezoid_energy(backwards, at(0), at(1)), std::domain_error);
}

// Counter: 100 J at 0 s, 110 J at 1 s, 130 J at 2 s, 130 J at 4 s.
const std::vector<PowerSample> kCounter{{at(0), 100}, {at(1), 110}, {at(2), 130}, {at(4), 130}};

TEST(Counter, DifferenceOverTheWholeSeries) { EXPECT_DOUBLE_EQ(counter_energy(kCounter, 0, at(0), at(4)), 30.0); }

TEST(Counter, WindowEndsAreInterpolated) {
  // Half of the 0-1 s step (5 J) and half of the 1-2 s step (10 J).
  EXPECT_DOUBLE_EQ(counter_energy(kCounter, 0, at(0.5), at(1.5)), 15.0);
  EXPECT_DOUBLE_EQ(counter_energy(kCounter, 0, at(2.5), at(4)), 0.0);
}

TEST(Counter, WrapsOncePerIntervalWithTheRange) {
  // 90 J, then 5 J after a wrap at 100 J: 15 J; then 25 J: 20 J more.
  const std::vector<PowerSample> s{{at(0), 90}, {at(1), 5}, {at(2), 25}};
  EXPECT_DOUBLE_EQ(counter_energy(s, 100, at(0), at(2)), 35.0);
  EXPECT_DOUBLE_EQ(counter_energy(s, 100, at(0), at(1)), 15.0);
  // Two wraps in a row, each within its own interval.
  const std::vector<PowerSample> twice{{at(0), 90}, {at(1), 60}, {at(2), 30}};
  EXPECT_DOUBLE_EQ(counter_energy(twice, 100, at(0), at(2)), 140.0);
}

TEST(Counter, DecreaseWithoutRangeIsAnError) {
  const std::vector<PowerSample> s{{at(0), 90}, {at(1), 5}};
  EXPECT_THROW(counter_energy(s, 0, at(0), at(1)), std::domain_error);
}

TEST(Counter, WindowMustBeCovered) { EXPECT_THROW(counter_energy(kCounter, 0, at(0), at(5)), std::domain_error); }

TEST(WindowEnergy, DispatchesOnKind) {
  PowerSourceInfo counter;
  counter.kind = PowerKind::counter;
  PowerSourceInfo power;
  power.kind = PowerKind::power;
  EXPECT_DOUBLE_EQ(window_energy(counter, kCounter, at(0), at(4)), 30.0);
  EXPECT_DOUBLE_EQ(window_energy(power, kPower, at(0), at(4)), 65.0);
}

TEST(UpdatePeriod, MedianTimeBetweenChanges) {
  // Sampled every 1 ms, the value changes every 5 ms.
  std::vector<PowerSample> s;
  for (int i = 0; i <= 50; ++i) s.push_back({i * 1'000'000LL, static_cast<double>(i / 5)});
  const auto p = estimate_update_period(s);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(*p, std::chrono::milliseconds(5));
}

TEST(UpdatePeriod, UnknownForAConstantOrShortSeries) {
  std::vector<PowerSample> constant;
  for (int i = 0; i < 10; ++i) constant.push_back({i * 1'000'000LL, 3.0});
  EXPECT_FALSE(estimate_update_period(constant).has_value());
  const std::vector<PowerSample> two_changes{{0, 1}, {1, 2}, {2, 3}};
  EXPECT_FALSE(estimate_update_period(two_changes).has_value());
}

}  // namespace
}  // namespace eb::bench
