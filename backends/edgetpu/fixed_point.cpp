#include "backends/edgetpu/fixed_point.h"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace eb::edgetpu::fx {

std::int32_t saturating_rounding_doubling_high_mul(std::int32_t a, std::int32_t b) {
  constexpr auto kMin = std::numeric_limits<std::int32_t>::min();
  if (a == kMin && b == kMin) return std::numeric_limits<std::int32_t>::max();
  const std::int64_t ab = static_cast<std::int64_t>(a) * static_cast<std::int64_t>(b);
  const std::int64_t nudge = ab >= 0 ? (std::int64_t{1} << 30) : (1 - (std::int64_t{1} << 30));
  // C++ division truncates toward zero; with the signed nudge this rounds a·b / 2^31 to
  // nearest, ties toward +∞ (−1.5 → −1), exactly as gemmlowp does.
  return static_cast<std::int32_t>((ab + nudge) / (std::int64_t{1} << 31));
}

std::int16_t saturating_rounding_doubling_high_mul(std::int16_t a, std::int16_t b) {
  constexpr auto kMin = std::numeric_limits<std::int16_t>::min();
  if (a == kMin && b == kMin) return std::numeric_limits<std::int16_t>::max();
  const std::int32_t ab = static_cast<std::int32_t>(a) * static_cast<std::int32_t>(b);
  const std::int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
  return static_cast<std::int16_t>((ab + nudge) / (1 << 15));
}

std::int16_t saturating_doubling_high_mul(std::int16_t a, std::int16_t b) {
  constexpr auto kMin = std::numeric_limits<std::int16_t>::min();
  if (a == kMin && b == kMin) return std::numeric_limits<std::int16_t>::max();
  const std::int32_t ab = static_cast<std::int32_t>(a) * static_cast<std::int32_t>(b);
  return static_cast<std::int16_t>(ab / (1 << 15));
}

namespace {

template <class T>
T rdbpot(T x, int exponent) {
  if (exponent < 0 || exponent > 31) throw std::invalid_argument("rounding_divide_by_pot: exponent " + std::to_string(exponent) + " outside 0..31");
  using W = std::int64_t;  // wide enough for every mask below
  const W mask = (W{1} << exponent) - 1;
  const W remainder = static_cast<W>(x) & mask;
  const W threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return static_cast<T>((static_cast<W>(x) >> exponent) + (remainder > threshold ? 1 : 0));
}

}  // namespace

std::int32_t rounding_divide_by_pot(std::int32_t x, int exponent) { return rdbpot(x, exponent); }
std::int16_t rounding_divide_by_pot(std::int16_t x, int exponent) { return rdbpot(x, exponent); }

std::int16_t saturating_left_shift(std::int16_t value, int amount) {
  std::int32_t r = static_cast<std::int32_t>(value) * (1 << amount);
  if (r > std::numeric_limits<std::int16_t>::max()) r = std::numeric_limits<std::int16_t>::max();
  if (r < std::numeric_limits<std::int16_t>::min()) r = std::numeric_limits<std::int16_t>::min();
  return static_cast<std::int16_t>(r);
}

QuantizedMultiplier quantize_multiplier(double real_multiplier) {
  if (!std::isfinite(real_multiplier) || real_multiplier < 0)
    throw std::invalid_argument("quantize_multiplier: multiplier " + std::to_string(real_multiplier) + " is not a finite non-negative number");
  if (real_multiplier == 0.0) return {};
  int shift = 0;
  const double q = std::frexp(real_multiplier, &shift);  // q in [0.5, 1)
  auto q_fixed = static_cast<std::int64_t>(std::round(q * static_cast<double>(std::int64_t{1} << 31)));
  if (q_fixed == (std::int64_t{1} << 31)) {
    q_fixed /= 2;
    ++shift;
  }
  if (shift < -31) return {};  // below the smallest representable multiplier: TFLite flushes to zero
  if (shift > 30) {            // TFLite clamps the largest multipliers the same way
    shift = 30;
    q_fixed = (std::int64_t{1} << 31) - 1;
  }
  return {static_cast<std::int32_t>(q_fixed), shift};
}

std::int32_t multiply_by_quantized_multiplier(std::int32_t x, QuantizedMultiplier m) {
  const int left = m.shift > 0 ? m.shift : 0;
  const int right = m.shift > 0 ? 0 : -m.shift;
  // The left shift is done in 32 bits, as TFLite does (callers keep x small enough).
  const auto shifted = static_cast<std::int32_t>(static_cast<std::uint32_t>(x) << left);
  return rounding_divide_by_pot(saturating_rounding_doubling_high_mul(shifted, m.multiplier), right);
}

std::int16_t downscale_multiplier_to_int16(std::int32_t multiplier) {
  if (multiplier < 0) throw std::invalid_argument("downscale_multiplier_to_int16: negative multiplier");
  constexpr std::int32_t kRounding = 1 << 15;
  if (multiplier >= std::numeric_limits<std::int32_t>::max() - kRounding) return std::numeric_limits<std::int16_t>::max();
  return static_cast<std::int16_t>((multiplier + kRounding) >> 16);
}

}  // namespace eb::edgetpu::fx
