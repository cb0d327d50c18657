// Attention reordering (Edge-MoE technique 1): the staggered 4-lane schedule equals plain
// row-by-row attention bit for bit, reads at most one key beat and one query beat per
// cycle whatever the parallelism, and turns 129 tokens into 132 virtual rows; both agree
// with float attention on the same values.
#include <gtest/gtest.h>

#include <vector>

#include "backends/fpga/hw/attention_unit.h"
#include "core/reference/kernels.h"
#include "core/rng.h"
#include "tests/fpga/oracles.h"
#include "tests/fpga/test_util.h"

namespace eb::fpga::hw {
namespace {

struct Case {
  AttentionShape shape;
  std::vector<act_t> qkv;
};

Case make_case(int T, int H, int d, std::uint64_t seed) {
  Case c{{T, H, d}, test::random_acts(static_cast<std::size_t>(T * 3 * H * d), seed, -1.5, 1.5)};
  return c;
}

struct Result {
  std::vector<act_t> out, scores;
  std::vector<SoftmaxStats> stats;
  UnitStats unit;
  PortDemand demand;
};

Result scratch(const AttentionShape& s) {
  Result r;
  r.out.resize(static_cast<std::size_t>(s.tokens * s.dim()));
  r.scores.resize(static_cast<std::size_t>(s.heads * s.tokens * s.tokens));
  r.stats.resize(static_cast<std::size_t>(s.heads * s.tokens));
  return r;
}

template <int P>
Result run_reordered(const Case& c) {
  Result r = scratch(c.shape);
  const int D = c.shape.dim();
  r.unit = attention_unit<P>(c.shape, ConstActRows{c.qkv, c.shape.tokens, 3 * D, 3 * D}, ActRows{r.out, c.shape.tokens, D, D}, r.scores,
                             r.stats, &r.demand);
  return r;
}

Result run_plain(const Case& c) {
  Result r = scratch(c.shape);
  const int D = c.shape.dim();
  attention_plain(c.shape, ConstActRows{c.qkv, c.shape.tokens, 3 * D, 3 * D}, ActRows{r.out, c.shape.tokens, D, D}, r.scores, r.stats);
  return r;
}

template <int P>
void expect_equal_to_plain(const Case& c) {
  const Result plain = run_plain(c), re = run_reordered<P>(c);
  EXPECT_EQ(re.out, plain.out) << "P = " << P;
  EXPECT_EQ(re.scores, plain.scores) << "P = " << P;
  EXPECT_EQ(re.stats, plain.stats) << "P = " << P;
  // Constant bandwidth: one key beat and at most one query beat per cycle, for any P.
  EXPECT_LE(re.demand.max_key_beats, 1);
  EXPECT_LE(re.demand.max_query_beats, 1);
  const auto T = static_cast<std::int64_t>(c.shape.tokens);
  EXPECT_EQ(re.demand.pairs, c.shape.heads * T * T);                      // every (row, key) once
  EXPECT_EQ(re.demand.query_beats, c.shape.heads * T * c.shape.head_dim / kAttnBeat);  // each query read once
}

TEST(AttentionReordering, EqualsPlainAttentionBitForBitAtEveryParallelism) {
  const Case m3vit = make_case(129, 3, 64, 1);
  expect_equal_to_plain<1>(m3vit);
  expect_equal_to_plain<2>(m3vit);
  expect_equal_to_plain<4>(m3vit);
  expect_equal_to_plain<8>(m3vit);
  const Case odd = make_case(10, 2, 16, 2);
  expect_equal_to_plain<4>(odd);
  expect_equal_to_plain<16>(odd);  // more lanes than rows
}

TEST(AttentionReordering, SchedulesOneHundredTwentyNineTokensAsOneHundredThirtyTwoVirtualRows) {
  const Result r = run_reordered<4>(make_case(129, 3, 64, 3));
  // 33 groups of 4 lanes; each group runs T + P − 1 = 132 key steps of 64/8 = 8 beats, for
  // Q·Kᵀ and for A·V, per head.
  EXPECT_EQ(r.unit.cycles, 2LL * 3 * 33 * 132 * 8);
  EXPECT_EQ(r.unit.macs, 2LL * 3 * 129 * 129 * 64);
  EXPECT_EQ(r.demand.key_beats, 3LL * 33 * 129 * 8);  // keys streamed once per group
}

// The unit counts its cycles and traffic inside its loops, so a different loop (here the
// lane count, which changes the group and step loops) gives different counts: the cycle
// model follows the kernel as written, not a formula kept beside it.
TEST(AttentionReordering, CountsFollowTheLoopsAsTheyRun) {
  const Case c = make_case(129, 3, 64, 3);
  const Result p4 = run_reordered<4>(c), p2 = run_reordered<2>(c), p8 = run_reordered<8>(c);
  EXPECT_EQ(p2.unit.cycles, 2LL * 3 * 65 * 130 * 8);  // 65 groups of 2 lanes, 130 key steps each
  EXPECT_EQ(p8.unit.cycles, 2LL * 3 * 17 * 136 * 8);  // 17 groups of 8 lanes, 136 key steps each
  EXPECT_NE(p2.unit.cycles, p4.unit.cycles);
  // Keys and values are streamed once per group: fewer lanes, more groups, more traffic.
  EXPECT_EQ(p4.unit.act_read_bytes, 2LL * 3 * 33 * 129 * 64 * 4 + 129LL * 192 * 4 + 3LL * 129 * 129 * 4);
  EXPECT_GT(p2.unit.act_read_bytes, p4.unit.act_read_bytes);
  EXPECT_EQ(p2.unit.macs, p4.unit.macs);  // the same pairs, whatever the schedule
  EXPECT_EQ(p4.unit.act_write_bytes, 3LL * 129 * 129 * 4 + 129LL * 192 * 4);
}

TEST(AttentionLane, FastPathsEqualTheScalarDefinitions) {
  Rng r(77);
  for (int round = 0; round < 200; ++round) {
    const bool extreme = round % 4 == 0;
    std::vector<act_t> q(64), k(64), v(64), o(64);
    auto draw = [&] {
      if (extreme) return (r.next_u64() & 1) ? act_t::max() : act_t::min();
      return act_t::from_raw(static_cast<std::int32_t>(r.next_u64() >> 32) >> static_cast<int>(r.next_u64() % 12));
    };
    for (auto* vec : {&q, &k, &v, &o})
      for (auto& x : *vec) x = draw();
    const act_t scale = attention_scale(64);
    std::int64_t w1 = 0, w2 = 0;
    EXPECT_EQ(lane_dot(q.data(), k.data(), 64, scale, w1), lane_dot_scalar(q.data(), k.data(), 64, scale, w2));
    EXPECT_EQ(w1, w2) << "round " << round;
    const act_t p = round % 3 == 0 ? draw() : act_t::from_raw(static_cast<std::int64_t>(r.next_u64() % ((1u << 22) + 1)));
    auto o2 = o;
    lane_axpy(p, v.data(), o.data(), 64, w1);
    lane_axpy_scalar(p, v.data(), o2.data(), 64, w2);
    EXPECT_EQ(o, o2) << "round " << round;
    EXPECT_EQ(w1, w2) << "round " << round;
    if (extreme) {
      EXPECT_GT(w1, 0);  // ±512 values overflow somewhere
    }
  }
}

// Edge-MoE multiplies each 8-value beat of q·k by attn_scale before adding it to the score
// (`attn_addend *= attn_scale; attn_blocks[..] += attn_addend`), so each beat is truncated on
// its own. Two beats of 7·2^−22 each: per beat ⌊7/8⌋ + ⌊7/8⌋ = 0; scaled at the end, ⌊14/8⌋ = 1.
TEST(AttentionLane, ScalesEachBeatAsTheDesign) {
  std::vector<act_t> q(16), k(16);
  q[0] = q[8] = act_t::one();
  k[0] = k[8] = act_t::from_raw(7);
  const act_t scale = attention_scale(64);
  ASSERT_EQ(scale.to_double(), 0.125);  // the design's attn_scale
  std::int64_t wraps = 0;
  EXPECT_EQ(lane_dot(q.data(), k.data(), 16, scale, wraps).raw(), 0);
  EXPECT_EQ(lane_dot_scalar(q.data(), k.data(), 16, scale, wraps).raw(), 0);
  EXPECT_EQ(wraps, 0);
  // A score below zero truncates toward −∞ in each beat: −7/8 → −1 per beat.
  k[0] = k[8] = act_t::from_raw(-7);
  EXPECT_EQ(lane_dot(q.data(), k.data(), 16, scale, wraps).raw(), -2);
  // Each product is truncated to 22 fractional bits before the beat sums them:
  // 8 products of 2^−23 are 0 each, where an exact beat sum would give 2^−20.
  std::vector<act_t> q8(8, act_t::from_raw(1 << 21)), k8(8, act_t::from_raw(1));  // 0.5 · 2^−22
  EXPECT_EQ(lane_dot(q8.data(), k8.data(), 8, act_t::one(), wraps).raw(), 0);
}

// A beat whose sum leaves ±512 wraps (AP_WRAP) and is counted.
TEST(AttentionLane, ABeatBeyondTheRangeWrapsAndIsCounted) {
  std::vector<act_t> q(8, act_t::from_double(16.0)), k(8, act_t::from_double(4.5));  // 8 · 72 = 576
  std::int64_t wraps = 0;
  const act_t got = lane_dot(q.data(), k.data(), 8, act_t::one(), wraps);
  EXPECT_EQ(got.to_double(), 576.0 - 1024.0);
  EXPECT_EQ(wraps, 1);
}

TEST(AttentionUnit, AgreesWithFloatAttentionOnTheSameValues) {
  const Case c = make_case(129, 3, 64, 4);
  const Result r = run_reordered<4>(c);
  Node n;
  n.name = "attn";
  n.op = OpKind::attention;
  n.attrs = AttentionAttrs{3};
  const Tensor qkv = test::to_tensor(c.qkv, {1, 129, 576});
  const Tensor* in[] = {&qkv};
  const Tensor want = ref::eval_node(n, in, {1, 129, 192});
  const Tensor got = test::to_tensor(r.out, {1, 129, 192});
  EXPECT_LE(test::max_abs_diff(got.data<float>(), want.data<float>()), 5e-5);
}

}  // namespace
}  // namespace eb::fpga::hw
