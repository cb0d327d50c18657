// LayerNorm in one pass over each row (E[x²] − E[x]²), and the element-wise units
// (residual add, standalone GELU), all at one 8-value beat per cycle.
//
// LayerNorm arithmetic, per row of D values:
//   Σx  exact (22 fractional bits), Σx² of squares truncated to 32 fractional bits, exact;
//   mean = floor(Σx / D), E[x²] = floor(Σx² / D)           (division by the constant D)
//   var  = max(E[x²] − mean², 0) + ε                          (32 fractional bits)
//   σ = isqrt(var · 2^8) (20 fractional bits), 1/σ = floor(2^42 / σ)  (act_t, wraps)
//   y = act_t(act_t(act_t((x − mean) · 1/σ) · γ) + β)        (each product truncated; wraps)
// The statistics accumulators are wider than act_t (a 192-value row of ±3 sums to ±576);
// the square root and the reciprocal run once per row.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <span>
#include <stdexcept>

#include "backends/fpga/hw/formats.h"
#include "backends/fpga/hw/math_units.h"
#include "backends/fpga/hw/params.h"
#include "backends/fpga/hw/unit_stats.h"
#include "backends/fpga/hw/views.h"

namespace eb::fpga::hw {

struct LayerNormParams {
  std::span<const wt_norm_t> gamma;
  std::span<const wt_norm_t> beta;
  double eps = 1e-6;
};

inline UnitStats layernorm_unit(const LayerNormParams& p, ConstActRows x, ActRows y) {
  const int D = x.cols;
  if (D <= 0 || D > kMaxNormDim || y.cols != D || y.rows < x.rows || p.gamma.size() != static_cast<std::size_t>(D) ||
      p.beta.size() != static_cast<std::size_t>(D))
    throw std::invalid_argument("layernorm unit: shapes do not match");
  constexpr int F = act_t::frac_bits;  // 22
  const auto eps32 = static_cast<std::int64_t>(std::llround(std::ldexp(p.eps, 32)));

  // Counted as the loops run: the cycle model's input (a change to the loops changes it).
  UnitStats s;
  s.fills = 1;
  s.weight_bytes = 2LL * D * 2;  // γ and β
  for (int r = 0; r < x.rows; ++r) {
    const act_t* xr = x.row(r);
    s.cycles += ceil_div(D, kBeatValues);  // the row's beats (its stream-out overlaps the next row's stream-in)
    s.act_read_bytes += static_cast<std::int64_t>(D) * 4;
    s.act_write_bytes += static_cast<std::int64_t>(D) * 4;
    std::int64_t sum = 0, sumsq = 0;  // stream in: one beat per cycle, the row kept on chip
    for (int i = 0; i < D; ++i) {
      const std::int64_t v = xr[i].raw();
      sum += v;
      sumsq += (v * v) >> (2 * F - 32);
    }
    const std::int64_t mean = sum >= 0 ? sum / D : -((-sum + D - 1) / D);        // floor(Σx / D), 22 bits
    const std::int64_t ex2 = sumsq / D;                                           // 32 bits, Σx² ≥ 0
    const std::int64_t mean_sq = (mean * mean) >> (2 * F - 32);                   // 32 bits
    const std::int64_t var = std::max<std::int64_t>(ex2 - mean_sq, 0) + eps32;    // 32 bits
    const auto sigma = static_cast<std::int64_t>(isqrt(static_cast<std::uint64_t>(var) << 8));  // 20 bits
    // 1/σ into fm_t wraps as the design's `fm_t(1) / hls::sqrt(variance)` does (a constant
    // row: σ = √ε, 1/σ = 1000 → −24; harmless there, since every x − mean is 0).
    const act_t inv = act_t::fit_raw(sigma > 0 ? (std::int64_t{1} << 42) / sigma : act_t::raw_max, s.wraps);
    const act_t m = act_t::from_raw(mean);

    act_t* yr = y.row(r);
    for (int i = 0; i < D; ++i) {  // stream out: one beat per cycle
      const act_t centred = act_t::quantize(xr[i] - m, s.wraps);
      const act_t normed = act_t::quantize(centred * inv, s.wraps);
      const act_t scaled = act_t::quantize(normed * p.gamma[static_cast<std::size_t>(i)], s.wraps);
      yr[i] = act_t::quantize(scaled.exact() + p.beta[static_cast<std::size_t>(i)].widen<F>(), s.wraps);
    }
  }
  return s;
}

// y = a + b (wrapping, as fm_t), element by element over n values; b repeats with period
// b.size() (a broadcast operand such as the positional embedding).
inline UnitStats add_unit(std::span<const act_t> a, std::span<const act_t> b, std::span<act_t> y) {
  if (b.empty() || a.size() % b.size() != 0 || y.size() != a.size()) throw std::invalid_argument("add unit: sizes do not match");
  const std::size_t period = b.size();
  UnitStats s;
  s.fills = 1;
  for (std::size_t i = 0; i < a.size(); ++i) {  // PIPELINE: one beat of 8 values per cycle
    if (i % kBeatValues == 0) ++s.cycles;
    y[i] = act_t::quantize(a[i] + b[i % period], s.wraps);
  }
  s.act_read_bytes = 2 * static_cast<std::int64_t>(a.size()) * 4;  // both operands streamed
  s.act_write_bytes = static_cast<std::int64_t>(y.size()) * 4;
  return s;
}

inline UnitStats gelu_unit(std::span<const act_t> x, std::span<act_t> y) {
  if (y.size() != x.size()) throw std::invalid_argument("gelu unit: sizes do not match");
  UnitStats s;
  s.fills = 1;
  for (std::size_t i = 0; i < x.size(); ++i) {  // PIPELINE: one beat of 8 values per cycle
    if (i % kBeatValues == 0) ++s.cycles;
    y[i] = gelu(x[i]);
  }
  s.act_read_bytes = static_cast<std::int64_t>(x.size()) * 4;
  s.act_write_bytes = s.act_read_bytes;
  return s;
}

}  // namespace eb::fpga::hw
