// Single-pass softmax (Edge-MoE technique 2): while the scores of a row stream past, keep
// a running maximum m and a running sum S of e^(s−m):
//     on a new maximum s > m:  S ← S·e^(m−s) + 1,  m ← s
//     otherwise:               S ← S + e^(s−m)
// and store (1/S, m) per row, so that the next pass (A·V in attention; the expert
// weighting in the gate) computes each probability e^(s−m)·(1/S) as it needs it, with no
// separate pass to find the maximum or the sum. The two-pass form (max, then sum) is
// here too as the oracle: the two differ only by the rounding of the rescaling products.
#pragma once

#include <span>

#include "backends/fpga/hw/formats.h"
#include "backends/fpga/hw/math_units.h"

namespace eb::fpga::hw {

struct SoftmaxStats {
  act_t inv_sum;  // 1/S
  act_t max;      // m
  friend bool operator==(const SoftmaxStats&, const SoftmaxStats&) = default;
};

// The per-row state: two registers and one exponential unit.
class OnePassSoftmax {
 public:
  void push(act_t s) {
    if (!started_) {
      max_ = s;
      sum_ = act_t::one();
      started_ = true;
    } else if (s > max_) {
      const act_t rescale = exp_nonpositive(act_t::quantize(max_ - s));
      sum_ = act_t::quantize(act_t::quantize(sum_ * rescale).exact() + act_t::one().exact());
      max_ = s;
    } else {
      sum_ = act_t::quantize(sum_ + exp_nonpositive(act_t::quantize(s - max_)));
    }
  }
  SoftmaxStats finish() const { return {reciprocal(sum_), max_}; }

 private:
  act_t max_;
  act_t sum_;
  bool started_ = false;
};

// The probability of score s in a row with statistics st: e^(s−m)·(1/S), truncated.
constexpr act_t softmax_prob(act_t s, SoftmaxStats st) {
  return act_t::quantize(exp_nonpositive(act_t::quantize(s - st.max)) * st.inv_sum);
}

// The oracle: maximum first, then the sum of e^(s−m), in the same arithmetic.
inline SoftmaxStats two_pass_softmax_stats(std::span<const act_t> scores) {
  act_t m = scores.empty() ? act_t() : scores[0];
  for (act_t s : scores) m = s > m ? s : m;
  act_t sum;
  for (act_t s : scores) sum = act_t::quantize(sum + exp_nonpositive(act_t::quantize(s - m)));
  return {reciprocal(sum), m};
}

inline SoftmaxStats one_pass_softmax_stats(std::span<const act_t> scores) {
  OnePassSoftmax sm;
  for (act_t s : scores) sm.push(s);
  return sm.finish();
}

}  // namespace eb::fpga::hw
