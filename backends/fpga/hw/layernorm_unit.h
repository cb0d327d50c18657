// LayerNorm in one pass over each row, and the element-wise units (residual add,
// standalone GELU), all at one 8-value beat per cycle.
//
// LayerNorm arithmetic, per row of D values, as Edge-MoE's layernorm_accumulate and
// layernorm_output (src/layernorm.cpp), every fm_t assignment truncating and wrapping:
//   1/D as fm_t (floor(2^22 / D): for D = 192, 21845 · 2^−22, 1.5·10⁻⁵ below 1/192)
//   per value: t = act_t(x · 1/D); mean += t; mean_sq += act_t(x · t)   (wrapping sums)
//   sq_mean = act_t(mean²); var = act_t(mean_sq − sq_mean + act_t(ε))
//   σ = hls::sqrt(var) in fm_t (modelled as the correctly truncated √, floor(√(var·2^22)))
//   1/σ = act_t(1 / σ) (the quotient truncated: floor(2^44 / σ))
//   y = act_t(act_t(act_t(act_t(x − mean) · 1/σ) · γ) + β)
// The statistics are only as fine as fm_t's 2^−22: a row of standard deviation below
// ~0.01 has E[x²] terms of a few steps each, so its variance is mostly truncation (the
// design's, reproduced); rows of the M³ViT residual stream (order one) are far from it.
// The square root and the reciprocal run once per row.
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
  const act_t inv_d = act_t::from_raw((std::int64_t{1} << F) / D);  // fm_t(1.0 / D)
  const act_t eps = act_t::from_double(p.eps);                     // fm_t(norm_eps)

  // Counted as the loops run: the cycle model's input (a change to the loops changes it).
  UnitStats s;
  s.fills = 1;
  s.weight_bytes = 2LL * D * 2;  // γ and β
  for (int r = 0; r < x.rows; ++r) {
    const act_t* xr = x.row(r);
    s.cycles += ceil_div(D, kBeatValues);  // the row's beats (its stream-out overlaps the next row's stream-in)
    s.act_read_bytes += static_cast<std::int64_t>(D) * 4;
    s.act_write_bytes += static_cast<std::int64_t>(D) * 4;
    // Stream in, one beat per cycle, the row kept on chip. The wrapping fm_t sums are
    // modular, so they are the low 32 bits of the exact sums, taken once.
    std::int64_t sum = 0, sumsq = 0;
    for (int i = 0; i < D; ++i) {
      const act_t t = act_t::quantize(xr[i] * inv_d);
      sum += t.raw();
      sumsq += act_t::quantize(xr[i] * t).raw();
    }
    const act_t mean = act_t::fit_raw(sum, s.wraps), mean_sq = act_t::fit_raw(sumsq, s.wraps);
    const act_t sq_mean = act_t::quantize(mean * mean, s.wraps);
    const act_t var = act_t::quantize(mean_sq.exact() - sq_mean.exact() + eps.exact(), s.wraps);
    // σ in fm_t; a variance at or below zero (truncation on a near-constant row) has σ = 0,
    // whose reciprocal has no value in range: clamped to 512 and counted.
    const std::int64_t sigma = var.raw() > 0 ? static_cast<std::int64_t>(isqrt(static_cast<std::uint64_t>(var.raw()) << F)) : 0;
    act_t inv = act_t::max();
    if (sigma > 0)
      inv = act_t::fit_raw((std::int64_t{1} << (2 * F)) / sigma, s.wraps);
    else
      ++s.wraps;

    act_t* yr = y.row(r);
    for (int i = 0; i < D; ++i) {  // stream out: one beat per cycle
      const act_t centred = act_t::quantize(xr[i] - mean, s.wraps);
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
