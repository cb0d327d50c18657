// Single-pass softmax (Edge-MoE technique 2): while the scores of a row stream past, keep
// a running maximum m and a running sum S of e^(s−m):
//     on a new maximum s > m:  S ← S·e^(m−s) + 1,  m ← s
//     otherwise:               S ← S + e^(s−m)
// and store (1/S, m) per row, so that the next pass (A·V in attention; the expert
// weighting in the gate) computes each probability e^(s−m)·(1/S) as it needs it, with no
// separate pass to find the maximum or the sum. The two-pass form (max, then sum; the
// tests' oracle, tests/fpga/oracles.h) differs only by the rounding of the rescaling
// products.
#pragma once

#include <cstdint>
#include <span>

#include "backends/fpga/hw/formats.h"
#include "backends/fpga/hw/math_units.h"

namespace eb::fpga::hw {

struct SoftmaxStats {
  act_t inv_sum;  // 1/S
  act_t max;      // m
  friend bool operator==(const SoftmaxStats&, const SoftmaxStats&) = default;
};

// The per-row state: two registers and one exponential unit. As Edge-MoE's finalize_attn
// and update_softmax_info: the difference of the bias and the new score into fm_t, then
// hls::exp (hw/math_units.h), each assignment truncating and wrapping. The design starts
// from (S, m) = (0, the most negative fm_t), so its first step multiplies S = 0 by an
// exponential of a wrapped argument; the result is (1, s) either way, which is where this
// class starts, without counting that harmless wrap.
class OnePassSoftmax {
 public:
  void push(act_t s) {
    if (!started_) {
      max_ = s;
      sum_ = act_t::one();
      started_ = true;
    } else if (s > max_) {
      const act_t rescale = exp_unit(act_t::quantize(max_ - s, wraps_), wraps_);
      sum_ = act_t::quantize(act_t::quantize(sum_ * rescale, wraps_).exact() + act_t::one().exact(), wraps_);
      max_ = s;
    } else {
      sum_ = act_t::quantize(sum_ + exp_unit(act_t::quantize(s - max_, wraps_), wraps_), wraps_);
    }
  }
  SoftmaxStats finish() const { return {reciprocal(sum_), max_}; }
  act_t sum() const { return sum_; }
  act_t max() const { return max_; }
  std::int64_t wraps() const { return wraps_; }

 private:
  act_t max_;
  act_t sum_;
  bool started_ = false;
  std::int64_t wraps_ = 0;
};

// The probability of score s in a row with statistics st, as the attention's A·V pass
// forms it: act_t(hls::exp(act_t(s − m)) · (1/S)).
inline act_t softmax_prob(act_t s, SoftmaxStats st, std::int64_t& wraps) {
  return act_t::quantize(exp_unit(act_t::quantize(s - st.max, wraps), wraps) * st.inv_sum, wraps);
}

// The probability as the MoE gate forms it (finalize_topk_scores_softmax): a division,
// hls::exp(act_t(s − m)) / S, whose quotient keeps 22 fractional bits (truncated).
inline act_t softmax_prob_div(act_t s, act_t max, act_t sum, std::int64_t& wraps) {
  const act_t e = exp_unit(act_t::quantize(s - max, wraps), wraps);
  if (sum.raw() <= 0) return act_t::max();
  return act_t::fit_raw((e.raw() * (std::int64_t{1} << act_t::frac_bits)) / sum.raw(), wraps);
}

}  // namespace eb::fpga::hw
