// TFLite's fixed-point helpers on hand-computed cases.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "backends/edgetpu/fixed_point.h"

namespace eb::edgetpu::fx {
namespace {

constexpr std::int32_t kMin32 = std::numeric_limits<std::int32_t>::min();
constexpr std::int32_t kMax32 = std::numeric_limits<std::int32_t>::max();

TEST(FixedPoint, RoundingDoublingHighMulRoundsHalfUp) {
  // a·b/2^31 with b = 2^30 (0.5 in Q0.31). gemmlowp's nudge (2^30, or 1 − 2^30 for a
  // negative product) and truncating division round ties toward +∞:
  // 3·0.5 = 1.5 → 2, −3·0.5 = −1.5 → −1, −5·0.5 = −2.5 → −2, −7·0.5 = −3.5 → −3.
  EXPECT_EQ(saturating_rounding_doubling_high_mul(3, 1 << 30), 2);
  EXPECT_EQ(saturating_rounding_doubling_high_mul(-3, 1 << 30), -1);
  EXPECT_EQ(saturating_rounding_doubling_high_mul(-5, 1 << 30), -2);
  EXPECT_EQ(saturating_rounding_doubling_high_mul(-7, 1 << 30), -3);
  EXPECT_EQ(saturating_rounding_doubling_high_mul(-9, 3 << 29), -7);  // −6.75 → −7
  EXPECT_EQ(saturating_rounding_doubling_high_mul(5, 1 << 30), 3);   // 2.5 → 3
  EXPECT_EQ(saturating_rounding_doubling_high_mul(100, 1 << 30), 50);
  // 1000 · 0.75 = 750 exactly; 1001 · 0.75 = 750.75 → 751.
  EXPECT_EQ(saturating_rounding_doubling_high_mul(1000, 3 << 29), 750);
  EXPECT_EQ(saturating_rounding_doubling_high_mul(1001, 3 << 29), 751);
  // The one overflowing product saturates.
  EXPECT_EQ(saturating_rounding_doubling_high_mul(kMin32, kMin32), kMax32);
  EXPECT_EQ(saturating_rounding_doubling_high_mul(kMin32, kMax32), -kMax32);
}

TEST(FixedPoint, Int16Forms) {
  // 0.5 in Q0.15 is 2^14: 3·0.5 → 2 rounded, 1 truncated.
  EXPECT_EQ(saturating_rounding_doubling_high_mul(std::int16_t{3}, std::int16_t{1 << 14}), 2);
  EXPECT_EQ(saturating_rounding_doubling_high_mul(std::int16_t{-3}, std::int16_t{1 << 14}), -1);
  EXPECT_EQ(saturating_doubling_high_mul(std::int16_t{3}, std::int16_t{1 << 14}), 1);
  EXPECT_EQ(saturating_doubling_high_mul(std::int16_t{-3}, std::int16_t{1 << 14}), -1);  // truncates toward zero
  EXPECT_EQ(saturating_rounding_doubling_high_mul(std::int16_t{-32768}, std::int16_t{-32768}), 32767);
  EXPECT_EQ(saturating_left_shift(std::int16_t{20000}, 1), 32767);
  EXPECT_EQ(saturating_left_shift(std::int16_t{-20000}, 2), -32768);
  EXPECT_EQ(saturating_left_shift(std::int16_t{100}, 3), 800);
}

TEST(FixedPoint, RoundingDivideByPowerOfTwo) {
  EXPECT_EQ(rounding_divide_by_pot(5, 1), 3);    // 2.5 → 3
  EXPECT_EQ(rounding_divide_by_pot(-5, 1), -3);  // −2.5 → −3
  EXPECT_EQ(rounding_divide_by_pot(-6, 2), -2);  // −1.5 → −2
  EXPECT_EQ(rounding_divide_by_pot(6, 2), 2);    // 1.5 → 2
  EXPECT_EQ(rounding_divide_by_pot(-5, 2), -1);  // −1.25 → −1
  EXPECT_EQ(rounding_divide_by_pot(7, 0), 7);
  EXPECT_EQ(rounding_divide_by_pot(std::int16_t{-7}, 2), -2);  // −1.75 → −2
  EXPECT_THROW(rounding_divide_by_pot(1, 32), std::invalid_argument);
}

TEST(FixedPoint, QuantizeMultiplier) {
  EXPECT_EQ(quantize_multiplier(0.5), (QuantizedMultiplier{1 << 30, 0}));
  EXPECT_EQ(quantize_multiplier(1.0), (QuantizedMultiplier{1 << 30, 1}));
  EXPECT_EQ(quantize_multiplier(0.25), (QuantizedMultiplier{1 << 30, -1}));
  EXPECT_EQ(quantize_multiplier(0.75), (QuantizedMultiplier{3 << 29, 0}));
  EXPECT_EQ(quantize_multiplier(0.0), (QuantizedMultiplier{0, 0}));
  // Just below 1: the mantissa rounds up to 2^31 and is renormalised.
  EXPECT_EQ(quantize_multiplier(1.0 - 1e-12), (QuantizedMultiplier{1 << 30, 1}));
  // 0.1 = 0.8·2^−3; round(0.8·2^31) = 1717986918.
  EXPECT_EQ(quantize_multiplier(0.1), (QuantizedMultiplier{1717986918, -3}));
  EXPECT_EQ(quantize_multiplier(1e-12), (QuantizedMultiplier{0, 0}));  // below 2^−31: flushed
  EXPECT_THROW(quantize_multiplier(-1.0), std::invalid_argument);
  EXPECT_THROW(quantize_multiplier(std::nan("")), std::invalid_argument);
}

TEST(FixedPoint, MultiplyByQuantizedMultiplier) {
  // ×0.1: 1000 → 100; 15 → 1.5 → 2; −15 → −2; 14 → 1.4 → 1.
  const auto m = quantize_multiplier(0.1);
  EXPECT_EQ(multiply_by_quantized_multiplier(1000, m), 100);
  EXPECT_EQ(multiply_by_quantized_multiplier(15, m), 2);
  EXPECT_EQ(multiply_by_quantized_multiplier(-15, m), -2);
  EXPECT_EQ(multiply_by_quantized_multiplier(14, m), 1);
  // ×3 (left shift 2, mantissa 0.75): 7 → 21 exactly.
  EXPECT_EQ(multiply_by_quantized_multiplier(7, quantize_multiplier(3.0)), 21);
  // Double rounding, as TFLite: ×(0.75·2^−2) of 3 = 0.5625: high-mul gives round(2.25) = 2,
  // then 2/4 = 0.5 → 1 (a single rounding would give 1 too); of 10 = 1.875: 8 → 2.
  EXPECT_EQ(multiply_by_quantized_multiplier(3, quantize_multiplier(0.1875)), 1);
  EXPECT_EQ(multiply_by_quantized_multiplier(10, quantize_multiplier(0.1875)), 2);
  // A case where the double rounding differs from rounding once: x = 2, M = 0.75·2^−2:
  // exact 0.375 → 0 once, but high-mul round(1.5) = 2, then 2/4 = 0.5 → 1.
  EXPECT_EQ(multiply_by_quantized_multiplier(2, quantize_multiplier(0.1875)), 1);
}

TEST(FixedPoint, DownscaleToInt16) {
  EXPECT_EQ(downscale_multiplier_to_int16(1 << 30), 1 << 14);
  EXPECT_EQ(downscale_multiplier_to_int16((1 << 30) + (1 << 15)), (1 << 14) + 1);  // rounds half up
  EXPECT_EQ(downscale_multiplier_to_int16(kMax32), 32767);
}

}  // namespace
}  // namespace eb::edgetpu::fx
