// The straightforward forms of the datapath's reordered units, in the same arithmetic,
// which the tests hold the units against bit for bit: softmax statistics in two passes
// (max, then sum), attention one query row at a time, and the MoE layer token by token
// (each token's experts' weights fetched for it).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <utility>

#include "backends/fpga/hw/attention_unit.h"
#include "backends/fpga/hw/moe_unit.h"
#include "backends/fpga/hw/softmax_unit.h"

namespace eb::fpga::hw {

// The oracle: maximum first, then the sum of e^(s−m), in the same arithmetic.
inline SoftmaxStats two_pass_softmax_stats(std::span<const act_t> scores) {
  act_t m = scores.empty() ? act_t() : scores[0];
  for (act_t s : scores) m = s > m ? s : m;
  act_t sum;
  std::int64_t wraps = 0;
  for (act_t s : scores) sum = act_t::quantize(sum + exp_unit(act_t::quantize(s - m), wraps));
  return {reciprocal(sum), m};
}

// The single-pass unit's statistics of a whole row at once.
inline SoftmaxStats one_pass_softmax_stats(std::span<const act_t> scores) {
  OnePassSoftmax sm;
  for (act_t s : scores) sm.push(s);
  return sm.finish();
}

// The oracle: one query row at a time, keys in order, the same arithmetic.
inline void attention_plain(const AttentionShape& s, ConstActRows qkv, ActRows out, std::span<act_t> scores,
                            std::span<SoftmaxStats> stats) {
  check_attention_shape(s, qkv, out, scores, stats);
  const int T = s.tokens, d = s.head_dim, D = s.dim();
  const act_t scale = attention_scale(d);
  std::int64_t wraps = 0;
  for (int h = 0; h < s.heads; ++h) {
    act_t* sc = scores.data() + static_cast<std::ptrdiff_t>(h) * T * T;
    for (int r = 0; r < T; ++r) {
      OnePassSoftmax sm;
      for (int k = 0; k < T; ++k) {
        const act_t score = dot_head(qkv.row(r) + h * d, qkv.row(k) + D + h * d, d, scale, wraps);
        sc[r * T + k] = score;
        sm.push(score);
      }
      stats[static_cast<std::size_t>(h * T + r)] = sm.finish();
    }
    for (int r = 0; r < T; ++r) {
      act_t* o = out.row(r) + h * d;
      std::fill_n(o, d, act_t());
      for (int k = 0; k < T; ++k)
        axpy_head(softmax_prob(sc[r * T + k], stats[static_cast<std::size_t>(h * T + r)], wraps), qkv.row(k) + 2 * D + h * d, o, d,
                  wraps);
    }
  }
}

// The oracle: every token on its own, its experts' weights fetched for it. Scratch rows:
// `logits` ≥ 1 row of E, `hidden` ≥ 1 row of H.
inline MoeStats moe_token_by_token(const MoeConfig& c, const MoeWeights& w, ConstActRows x, ActRows y, ActRows logits,
                                   ActRows hidden) {
  check_moe(c, w, x, y);
  MoeStats ms;
  const std::array<std::int32_t, 1> self0{0};
  for (int t = 0; t < x.rows; ++t) {
    const ConstActRows xt{x.data.subspan(static_cast<std::size_t>(t) * static_cast<std::size_t>(x.pitch)), 1, x.cols, x.pitch};
    const ActRows yt{y.data.subspan(static_cast<std::size_t>(t) * static_cast<std::size_t>(y.pitch)), 1, y.cols, y.pitch};
    ms.gate += linear_unit(LinearCall{1, OutAct::none, LinearStore::store}, w.gate, xt, {}, logits);
    const TokenRoute tr = route_token({logits.row(0), static_cast<std::size_t>(c.experts)}, c, ms.gate.wraps);
    std::fill_n(yt.row(0), y.cols, act_t());
    std::array<int, kMaxTopK> order = tr.expert;  // expert index order, as the reordered unit adds them
    std::array<act_t, kMaxTopK> score = tr.score;
    for (int a = 0; a < c.top_k; ++a)
      for (int b = a + 1; b < c.top_k; ++b)
        if (order[static_cast<std::size_t>(b)] < order[static_cast<std::size_t>(a)]) {
          std::swap(order[static_cast<std::size_t>(a)], order[static_cast<std::size_t>(b)]);
          std::swap(score[static_cast<std::size_t>(a)], score[static_cast<std::size_t>(b)]);
        }
    for (int r = 0; r < c.top_k; ++r) {
      const int e = order[static_cast<std::size_t>(r)];
      UnitStats& es = ms.expert[static_cast<std::size_t>(e)];
      es += linear_unit(LinearCall{1, OutAct::gelu, LinearStore::store}, w.fc1[static_cast<std::size_t>(e)], xt, {}, hidden);
      es += linear_unit(LinearCall{1, OutAct::none, LinearStore::scale_accumulate}, w.fc2[static_cast<std::size_t>(e)], as_const(hidden), {},
                        yt, self0, {&score[static_cast<std::size_t>(r)], 1});
      ++ms.tokens[static_cast<std::size_t>(e)];
      ++ms.weight_loads;
    }
  }
  for (int e = 0; e < c.experts; ++e) ms.active += ms.tokens[static_cast<std::size_t>(e)] > 0;
  return ms;
}

}  // namespace eb::fpga::hw
