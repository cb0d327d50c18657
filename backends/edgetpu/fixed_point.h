// TensorFlow Lite's integer arithmetic (gemmlowp's fixed-point helpers and TFLite's
// quantised-multiplier functions), reproduced from their published definitions so that
// the int8 kernels here round exactly as TFLite's reference kernels do.
//
// A real multiplier M > 0 is represented as a Q0.31 mantissa m in [2^30, 2^31) and a
// power-of-two exponent e, M ≈ m·2^(e−31). Applying it to an int32 accumulator x is
//   left shift by max(e, 0), SaturatingRoundingDoublingHighMul(·, m),
//   RoundingDivideByPOT(·, max(−e, 0))
// (TFLite's MultiplyByQuantizedMultiplier in its default, double-rounding form).
#pragma once

#include <cstdint>

namespace eb::edgetpu::fx {

// The high 32 bits of 2·a·b, rounded to nearest with ties toward +∞ (gemmlowp adds a
// nudge of 2^30, or 1 − 2^30 for a negative product, then divides by 2^31 truncating);
// saturates the one overflowing case a = b = INT32_MIN to INT32_MAX.
std::int32_t saturating_rounding_doubling_high_mul(std::int32_t a, std::int32_t b);
// The int16 form: the high 16 bits of 2·a·b, rounded the same way; INT16_MIN² saturates.
std::int16_t saturating_rounding_doubling_high_mul(std::int16_t a, std::int16_t b);
// Non-rounding int16 form (truncating division by 2^15), used by quantised hard-swish.
std::int16_t saturating_doubling_high_mul(std::int16_t a, std::int16_t b);

// x / 2^exponent rounded to nearest, ties away from zero; 0 <= exponent <= 31.
std::int32_t rounding_divide_by_pot(std::int32_t x, int exponent);
std::int16_t rounding_divide_by_pot(std::int16_t x, int exponent);

// value · 2^amount clamped to int16.
std::int16_t saturating_left_shift(std::int16_t value, int amount);

struct QuantizedMultiplier {
  std::int32_t multiplier = 0;  // Q0.31 mantissa in [2^30, 2^31), or 0
  int shift = 0;                // power of two: positive shifts left
  friend bool operator==(const QuantizedMultiplier&, const QuantizedMultiplier&) = default;
};

// TFLite's QuantizeMultiplier: frexp, round(q·2^31) half away from zero, renormalise
// 2^31, flush multipliers below 2^-31 to zero. Throws std::invalid_argument for a
// negative or non-finite multiplier.
QuantizedMultiplier quantize_multiplier(double real_multiplier);

// MultiplyByQuantizedMultiplier (double rounding, as TFLite without
// TFLITE_SINGLE_ROUNDING).
std::int32_t multiply_by_quantized_multiplier(std::int32_t x, QuantizedMultiplier m);

// TFLite's DownScaleInt32ToInt16Multiplier: (m + 2^15) >> 16, saturating at INT16_MAX.
std::int16_t downscale_multiplier_to_int16(std::int32_t multiplier);

}  // namespace eb::edgetpu::fx
