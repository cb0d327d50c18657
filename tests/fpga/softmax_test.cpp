// Single-pass softmax (Edge-MoE technique 2) against the two-pass form in the same
// fixed-point arithmetic, and against float softmax — for attention rows (129 scores) and
// for the 16-way gate.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "backends/fpga/hw/moe_unit.h"
#include "backends/fpga/hw/softmax_unit.h"
#include "tests/fpga/oracles.h"
#include "tests/fpga/test_util.h"

namespace eb::fpga::hw {
namespace {

std::vector<double> float_softmax(std::span<const act_t> s) {
  double m = -1e300;
  for (act_t v : s) m = std::max(m, v.to_double());
  std::vector<double> p;
  double sum = 0;
  for (act_t v : s) sum += p.emplace_back(std::exp(v.to_double() - m));
  for (double& x : p) x /= sum;
  return p;
}

// The largest difference between single- and two-pass probabilities of rows of n scores.
void check_rows(int n, double lo, double hi, int rows, std::uint64_t seed) {
  const double lsb = std::ldexp(1.0, -act_t::frac_bits);
  double worst_pass = 0, worst_float = 0;
  std::int64_t wraps = 0;
  for (int r = 0; r < rows; ++r) {
    const auto s = test::random_acts(static_cast<std::size_t>(n), seed + static_cast<std::uint64_t>(r), lo, hi);
    const SoftmaxStats one = one_pass_softmax_stats(s), two = two_pass_softmax_stats(s);
    EXPECT_EQ(one.max, two.max);
    const auto want = float_softmax(s);
    for (int k = 0; k < n; ++k) {
      const double p1 = softmax_prob(s[static_cast<std::size_t>(k)], one, wraps).to_double();
      const double p2 = softmax_prob(s[static_cast<std::size_t>(k)], two, wraps).to_double();
      worst_pass = std::max(worst_pass, std::abs(p1 - p2));
      worst_float = std::max(worst_float, std::abs(p1 - want[static_cast<std::size_t>(k)]));
    }
  }
  // Within fixed-point rounding: a few steps of 2^−22 from the rescaling products.
  EXPECT_LE(worst_pass, 8 * lsb) << "n = " << n;
  EXPECT_EQ(wraps, 0);
  EXPECT_LE(worst_float, 2e-5) << "n = " << n;
}

TEST(SinglePassSoftmax, EqualsTwoPassWithinRoundingOnAttentionRows) { check_rows(129, -12.0, 12.0, 200, 100); }

TEST(SinglePassSoftmax, EqualsTwoPassWithinRoundingOnTheSixteenWayGate) { check_rows(16, -4.0, 4.0, 500, 900); }

TEST(SinglePassSoftmax, HandlesIncreasingDecreasingAndEqualScores) {
  std::vector<act_t> up, down, same(10, act_t::from_double(1.5));
  for (int i = 0; i < 50; ++i) up.push_back(act_t::from_double(0.25 * i));
  down.assign(up.rbegin(), up.rend());
  for (const auto& s : {up, down, same}) {
    const SoftmaxStats one = one_pass_softmax_stats(s), two = two_pass_softmax_stats(s);
    EXPECT_EQ(one.max, two.max);
    EXPECT_NEAR(one.inv_sum.to_double(), two.inv_sum.to_double(), 1e-6);
  }
  const SoftmaxStats st = one_pass_softmax_stats(same);
  std::int64_t wraps = 0;
  EXPECT_NEAR(softmax_prob(same[0], st, wraps).to_double(), 0.1, 1e-6);
  EXPECT_EQ(wraps, 0);
}

// The gate divides (the design's `hls::exp(...) / scores_softmax_sum`), which truncates once,
// where the attention pass multiplies by a truncated 1/S: on e ≈ 0.5, S = 5 the two differ.
TEST(GateSoftmax, DividesAsTheDesignsGate) {
  std::int64_t wraps = 0;
  const act_t m = act_t::from_double(1.0), s = act_t::from_double(1.0 - std::log(2.0));
  const act_t e = exp_unit(act_t::quantize(s - m), wraps);
  const act_t sum = act_t::from_double(5.0);
  const act_t by_div = softmax_prob_div(s, m, sum, wraps);
  EXPECT_EQ(by_div.raw(), (e.raw() << act_t::frac_bits) / sum.raw());
  const act_t by_recip = softmax_prob(s, SoftmaxStats{reciprocal(sum), m}, wraps);
  EXPECT_NE(by_div, by_recip);
  EXPECT_EQ(wraps, 0);
  // The gate's routing uses the division.
  const auto logits = test::random_acts(16, 31, -3.0, 3.0);
  OnePassSoftmax sm;
  for (act_t l : logits) sm.push(l);
  const TokenRoute tr = route_token(logits, MoeConfig{16, 2, false}, wraps);
  for (int r = 0; r < 2; ++r) {
    const act_t l = logits[static_cast<std::size_t>(tr.expert[static_cast<std::size_t>(r)])];
    EXPECT_EQ(tr.score[static_cast<std::size_t>(r)], softmax_prob_div(l, sm.max(), sm.sum(), wraps));
  }
  EXPECT_EQ(wraps, 0);
}

}  // namespace
}  // namespace eb::fpga::hw
