// Scalar function units of the datapath: the exponential (softmax), the reciprocal (1/S of
// softmax, 1/σ of LayerNorm), the integer square root, and GELU. Each is a small
// pipelined circuit in hardware (a ROM, a multiplier, a shifter; an iterative divider /
// square root used once per row, off the critical path).
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>

#include "backends/fpga/hw/formats.h"
#include "backends/fpga/hw/gelu_rom.h"

namespace eb::fpga::hw {

// e^x as the design computes it: `hls::exp` on its fm_t argument, result in fm_t. Vitis
// HLS's fixed-point exp (hls_exp_apfixed.h: range reduction, tables and a polynomial)
// ships with Vitis HLS under Xilinx's licence and is not reproduced here, so this is e^x
// evaluated in double (glibc's exp: error below 1 ulp, ~1e−16 relative) and truncated to
// 22 fractional bits (AP_TRN) — the correctly truncated result (an exp accurate to within
// 1 ulp of fm_t may differ from it by one step of 2^−22). A
// result beyond fm_t's range (x > ln 512 ≈ 6.24: never a softmax argument, which is ≤ 0
// by construction) is clamped to the maximum and counted in `overflows`.
inline act_t exp_unit(act_t x, std::int64_t& overflows) {
  const double scaled = std::floor(std::ldexp(std::exp(x.to_double()), act_t::frac_bits));
  if (scaled > static_cast<double>(act_t::raw_max)) {
    ++overflows;
    return act_t::max();
  }
  return act_t::from_raw(static_cast<std::int64_t>(scaled));
}

// 1/v for v > 0 as act_t: floor(2^44 / raw) (hls::recip's quotient truncated). A value
// below 2^−9 has no reciprocal in range: it is clamped to 512 (softmax, its caller, has
// S ≥ 1; what hls::recip does there is not reproduced).
constexpr act_t reciprocal(act_t v) {
  if (v.raw() <= 0) return act_t::max();
  const std::int64_t q = (std::int64_t{1} << 44) / v.raw();
  return q > act_t::raw_max ? act_t::max() : act_t::from_raw(q);
}

// floor(√v) of a non-negative 64-bit integer, bit by bit (what a non-restoring square
// root circuit computes).
constexpr std::uint64_t isqrt(std::uint64_t v) {
  std::uint64_t root = 0;
  std::uint64_t bit = std::uint64_t{1} << 62;
  while (bit > v) bit >>= 2;
  while (bit != 0) {
    if (v >= root + bit) {
      v -= root + bit;
      root = (root >> 1) + bit;
    } else {
      root >>= 1;
    }
    bit >>= 2;
  }
  return root;
}

// GELU(x) = ReLU(x) − δ(|x|), δ(u) = u·Φ(−u) from a 177-entry ROM at step 1/32 on
// [0, 5.5] with linear interpolation on the low 17 fractional bits (floor); δ = 0 beyond
// 5.5, where GELU is ReLU to within 2·10⁻⁸. Max error ≈ 1·10⁻⁴ (interpolation, h²/8·|δ''|).
constexpr act_t gelu(act_t x) {
  constexpr int kStepShift = act_t::frac_bits - 5;  // 1/32 per ROM step
  constexpr std::int64_t kLast = static_cast<std::int64_t>(kGeluDeltaRom.size()) - 1;
  const std::int64_t xr = x.raw();
  const std::int64_t u = xr < 0 ? -xr : xr;
  const std::int64_t idx = u >> kStepShift;
  std::int64_t delta = 0;
  if (idx < kLast) {
    const std::int64_t rem = u & ((std::int64_t{1} << kStepShift) - 1);
    const std::int64_t lo = kGeluDeltaRom[static_cast<std::size_t>(idx)];
    const std::int64_t hi = kGeluDeltaRom[static_cast<std::size_t>(idx + 1)];
    delta = lo + (((hi - lo) * rem) >> kStepShift);
  }
  const std::int64_t relu = xr > 0 ? xr : 0;
  return act_t::from_raw(relu - delta);
}

// The output stage's activations (one comparator, clamp or multiplier per output):
//   relu(x) = max(x, 0);  relu6(x) = min(max(x, 0), 6);
//   hardswish(x) = act_t(x · act_t(relu6(x + 3) · 1/6)), 1/6 floored to 22 fractional bits.
enum class OutAct : std::uint8_t { none, gelu, relu, relu6, hardswish };

constexpr act_t relu6(act_t x) {
  constexpr std::int64_t six = std::int64_t{6} << act_t::frac_bits;
  return act_t::from_raw(x.raw() < 0 ? 0 : x.raw() > six ? six : x.raw());
}

constexpr act_t hardswish(act_t x) {
  constexpr act_t sixth = act_t::from_raw((std::int64_t{1} << act_t::frac_bits) / 6);
  const act_t shifted = act_t::quantize(Exact<act_t::frac_bits>{x.raw() + (std::int64_t{3} << act_t::frac_bits)});
  return act_t::quantize(x * act_t::quantize(relu6(shifted) * sixth));
}

constexpr act_t apply(OutAct a, act_t x) {
  switch (a) {
    case OutAct::none: return x;
    case OutAct::gelu: return gelu(x);
    case OutAct::relu: return act_t::from_raw(x.raw() < 0 ? 0 : x.raw());
    case OutAct::relu6: return relu6(x);
    case OutAct::hardswish: return hardswish(x);
  }
  return x;
}

}  // namespace eb::fpga::hw
