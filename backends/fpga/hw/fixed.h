// The datapath's fixed-point number, written so that a kernel reads as it would with
// Vitis HLS's ap_fixed and runs here bit-accurately as its C simulation.
//
//   Fixed<W, I, S, Q, O>   W bits in all, I of them integer bits (sign included when S),
//                          so F = W − I fractional bits: value = raw · 2^−F.
//   Q (quantisation, when a result has more fractional bits than the destination):
//       Quant::trn  floor — toward −∞ (ap_fixed's default AP_TRN)
//       Quant::rnd  round half up — toward +∞ on a tie (AP_RND)
//   O (overflow, when the quantised result does not fit in W bits):
//       Overflow::sat   clamp to the largest / smallest value (AP_SAT)
//       Overflow::wrap  keep the low W bits, two's complement (AP_WRAP)
//
// Arithmetic follows ap_fixed: a product or a sum is first formed exactly (an Exact<F>
// intermediate: a 64-bit integer with F fractional bits, which every operation used by the
// datapath keeps within range by construction), and rounding and overflow happen only when
// the result is assigned to a Fixed type, with that type's modes. Kernels therefore say
// where every rounding happens: at each `T::quantize(...)`.
#pragma once

#include <cmath>
#include <concepts>
#include <cstdint>
#include <type_traits>

namespace eb::fpga::hw {

enum class Quant : std::uint8_t { trn, rnd };
enum class Overflow : std::uint8_t { sat, wrap };

// An exact intermediate with F fractional bits (what HLS would size as a wider ap_fixed).
template <int F>
struct Exact {
  std::int64_t raw = 0;
  static constexpr int frac_bits = F;
  friend constexpr Exact operator+(Exact a, Exact b) { return {a.raw + b.raw}; }
  friend constexpr Exact operator-(Exact a, Exact b) { return {a.raw - b.raw}; }
  constexpr Exact& operator+=(Exact b) {
    raw += b.raw;
    return *this;
  }
  friend constexpr bool operator==(Exact, Exact) = default;
  double to_double() const { return std::ldexp(static_cast<double>(raw), -F); }
};

namespace detail {

// raw · 2^−shift quantised with mode Q (shift < 0 multiplies, exactly).
template <Quant Q>
constexpr std::int64_t shift_quantize(std::int64_t raw, int shift) {
  if (shift <= 0) return raw * (std::int64_t{1} << -shift);
  if constexpr (Q == Quant::rnd) raw += std::int64_t{1} << (shift - 1);
  return raw >> shift;  // arithmetic shift (C++20): floor
}

template <int W, bool S>
using raw_storage = std::conditional_t<
    (W <= 8), std::conditional_t<S, std::int8_t, std::uint8_t>,
    std::conditional_t<(W <= 16), std::conditional_t<S, std::int16_t, std::uint16_t>,
                       std::conditional_t<(W <= 32), std::conditional_t<S, std::int32_t, std::uint32_t>, std::int64_t>>>;

}  // namespace detail

template <int W, int I, bool S = true, Quant Q = Quant::trn, Overflow O = Overflow::sat>
class Fixed {
  static_assert(W >= 1 && W <= 62, "Fixed holds at most 62 bits so that exact products of the datapath fit in 64");
  static_assert(W - I >= 0 && W - I <= 62, "fractional bits out of range");

 public:
  static constexpr int width = W;
  static constexpr int int_bits = I;
  static constexpr int frac_bits = W - I;
  static constexpr bool is_signed = S;
  static constexpr Quant quant = Q;
  static constexpr Overflow overflow = O;
  using raw_type = detail::raw_storage<W, S>;
  static constexpr std::int64_t raw_max = S ? (std::int64_t{1} << (W - 1)) - 1 : (std::int64_t{1} << W) - 1;
  static constexpr std::int64_t raw_min = S ? -(std::int64_t{1} << (W - 1)) : 0;

  constexpr Fixed() = default;

  // A raw value already in range (a value read back from memory).
  static constexpr Fixed from_raw(std::int64_t raw) { return Fixed(fit(raw)); }

  // Assigns an exact value with F fractional bits: quantise (Q), then overflow (O).
  template <int F>
  static constexpr Fixed quantize(Exact<F> v) {
    return Fixed(fit(detail::shift_quantize<Q>(v.raw, F - frac_bits)));
  }
  template <int W2, int I2, bool S2, Quant Q2, Overflow O2>
  static constexpr Fixed quantize(Fixed<W2, I2, S2, Q2, O2> v) {
    return quantize(v.exact());
  }
  // The same, adding 1 to `overflows` when the quantised value did not fit (so that the
  // C simulation reports each wrap or clamp instead of hiding it).
  template <int F>
  static constexpr Fixed quantize(Exact<F> v, std::int64_t& overflows) {
    const std::int64_t q = detail::shift_quantize<Q>(v.raw, F - frac_bits);
    overflows += (q > raw_max || q < raw_min) ? 1 : 0;
    return Fixed(fit(q));
  }
  // A raw value that may lie outside the range, fitted with this type's overflow mode and
  // counted in `overflows` when it did not fit.
  static constexpr Fixed fit_raw(std::int64_t raw, std::int64_t& overflows) {
    overflows += (raw > raw_max || raw < raw_min) ? 1 : 0;
    return Fixed(fit(raw));
  }
  // The raw value `raw` becomes under this type's overflow mode (uncounted).
  static constexpr std::int64_t fitted(std::int64_t raw) { return fit(raw); }

  // 2^F as a double (exact).
  static constexpr double scale = static_cast<double>(std::int64_t{1} << (W - I));

  // A real number with this type's modes (NaN becomes 0).
  static Fixed from_double(double v) {
    if (std::isnan(v)) return Fixed();
    const double scaled = v * scale;  // exact: a power-of-two scaling
    const double q = Q == Quant::rnd ? std::floor(scaled + 0.5) : std::floor(scaled);
    if (q >= static_cast<double>(raw_max)) return Fixed(O == Overflow::sat ? raw_max : fit(wrap_double(q)));
    if (q <= static_cast<double>(raw_min)) return Fixed(O == Overflow::sat ? raw_min : fit(wrap_double(q)));
    return Fixed(static_cast<std::int64_t>(q));
  }

  // Whether quantising `v` into this type saturated (for reporting weight conversion).
  static bool saturates(double v) {
    const double q = std::floor(v * scale + (Q == Quant::rnd ? 0.5 : 0.0));
    return q > static_cast<double>(raw_max) || q < static_cast<double>(raw_min);
  }

  constexpr std::int64_t raw() const { return raw_; }
  constexpr Exact<W - I> exact() const { return {raw_}; }
  // The value with F ≥ frac_bits fractional bits, exactly.
  template <int F>
  constexpr Exact<F> widen() const {
    static_assert(F >= W - I, "widen() never drops fractional bits");
    return {static_cast<std::int64_t>(raw_) * (std::int64_t{1} << (F - (W - I)))};
  }
  double to_double() const { return static_cast<double>(raw_) / scale; }

  static constexpr Fixed max() { return Fixed(raw_max); }
  static constexpr Fixed min() { return Fixed(raw_min); }
  static constexpr Fixed one() {
    static_assert(I >= (S ? 2 : 1), "1.0 does not fit");
    return Fixed(std::int64_t{1} << (W - I));
  }

  friend constexpr bool operator==(Fixed a, Fixed b) { return a.raw_ == b.raw_; }
  friend constexpr auto operator<=>(Fixed a, Fixed b) { return a.raw() <=> b.raw(); }

 private:
  constexpr explicit Fixed(std::int64_t raw) : raw_(static_cast<raw_type>(raw)) {}

  static constexpr std::int64_t fit(std::int64_t raw) {
    if constexpr (O == Overflow::sat) {
      return raw > raw_max ? raw_max : raw < raw_min ? raw_min : raw;
    } else {
      const auto mask = static_cast<std::uint64_t>((std::int64_t{1} << W) - 1);
      auto low = static_cast<std::uint64_t>(raw) & mask;
      if (S && (low >> (W - 1)) != 0) low |= ~mask;  // sign-extend
      return static_cast<std::int64_t>(low);
    }
  }
  static std::int64_t wrap_double(double q) {
    return static_cast<std::int64_t>(std::fmod(q, std::ldexp(1.0, 62)));  // only the low W bits matter
  }

  raw_type raw_ = 0;
};

// Exact product: F = Fa + Fb fractional bits. Two signed operands of up to 64 bits in
// all give |a·b| ≤ 2^62; with an unsigned operand, Wa + Wb ≤ 63 keeps it below 2^62.
template <int W1, int I1, bool S1, Quant Q1, Overflow O1, int W2, int I2, bool S2, Quant Q2, Overflow O2>
constexpr Exact<(W1 - I1) + (W2 - I2)> operator*(Fixed<W1, I1, S1, Q1, O1> a, Fixed<W2, I2, S2, Q2, O2> b) {
  static_assert(W1 + W2 <= ((S1 && S2) ? 64 : 63), "product would not fit in the 64-bit exact intermediate");
  return {a.raw() * b.raw()};
}

// Exact sum and difference of two values of one type.
template <int W, int I, bool S, Quant Q, Overflow O>
constexpr Exact<W - I> operator+(Fixed<W, I, S, Q, O> a, Fixed<W, I, S, Q, O> b) {
  return {a.raw() + b.raw()};
}
template <int W, int I, bool S, Quant Q, Overflow O>
constexpr Exact<W - I> operator-(Fixed<W, I, S, Q, O> a, Fixed<W, I, S, Q, O> b) {
  return {a.raw() - b.raw()};
}

// Re-expresses an exact value with G fractional bits, quantised with mode Q (an
// intermediate's own rounding, e.g. a multiplier output trimmed before an adder tree).
template <int G, Quant Q = Quant::trn, int F>
constexpr Exact<G> requantize(Exact<F> v) {
  return {detail::shift_quantize<Q>(v.raw, F - G)};
}

template <class T>
concept FixedPoint = requires {
  T::width;
  T::frac_bits;
  typename T::raw_type;
};

}  // namespace eb::fpga::hw
