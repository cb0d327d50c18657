// Mixture of experts on the datapath with Edge-MoE's patch reordering (technique 5).
//
// The gate (a 16-output layer on the linear unit) scores every token; per token, the
// single-pass softmax unit gives the probabilities and the top-k experts are chosen (on
// the logits: softmax is monotonic, so these are the experts of largest probability, with
// no ties created by rounding; equal logits go to the lower index). Each choice appends
// (token, score) to that expert's queue, and the experts with a non-empty queue form the
// active list. Then each active expert, in index order, has its weights loaded once and
// runs over its queued tokens only: fc1 with the gather option and fused GELU, then fc2
// with scale-by-score-and-accumulate into the tokens' output rows.
//
// Processing token by token (load the two chosen experts' weights for every token) gives
// the same bits — every output row receives the same truncated products, and additions of
// act_t values are exact barring overflow — but loads up to 2·T experts per layer
// instead of at most 16: `moe_token_by_token` (tests/fpga/oracles.h) is that oracle.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <vector>

#include "backends/fpga/hw/formats.h"
#include "backends/fpga/hw/linear_unit.h"
#include "backends/fpga/hw/params.h"
#include "backends/fpga/hw/softmax_unit.h"
#include "backends/fpga/hw/unit_stats.h"
#include "backends/fpga/hw/views.h"

namespace eb::fpga::hw {

struct MoeConfig {
  int experts = 16;
  int top_k = 2;
  bool renormalize = false;
};

// A layer's weights as the unit holds them: the gate [E][D] (no bias) and each expert's two
// layers (fc1 [H][D] with bias, fc2 [D][H] with bias).
struct MoeWeights {
  LinearWeights<wt_linear_t> gate;
  std::vector<LinearWeights<wt_linear_t>> fc1;
  std::vector<LinearWeights<wt_linear_t>> fc2;
};

// What the gate builds: per expert, its queue of (token, score) in token order (capacity
// T each: DDR-resident in hardware), and the list of active experts.
class ExpertQueues {
 public:
  explicit ExpertQueues(int capacity)
      : capacity_(capacity),
        token_(static_cast<std::size_t>(kMaxExperts) * static_cast<std::size_t>(capacity)),
        score_(token_.size()) {}

  void clear() {
    length_.fill(0);
    active_count_ = 0;
  }
  void push(int expert, int token, act_t score) {
    auto& n = length_[static_cast<std::size_t>(expert)];
    if (n >= capacity_) throw std::logic_error("moe unit: an expert queue overflowed");
    const std::size_t at = static_cast<std::size_t>(expert) * static_cast<std::size_t>(capacity_) + static_cast<std::size_t>(n);
    token_[at] = token;
    score_[at] = score;
    ++n;
  }
  void finish_routing(int experts) {  // the active list, in expert order
    active_count_ = 0;
    for (int e = 0; e < experts; ++e)
      if (length_[static_cast<std::size_t>(e)] > 0) active_[static_cast<std::size_t>(active_count_++)] = e;
  }

  int length(int e) const { return length_[static_cast<std::size_t>(e)]; }
  std::span<const std::int32_t> tokens(int e) const {
    return {token_.data() + static_cast<std::size_t>(e) * static_cast<std::size_t>(capacity_), static_cast<std::size_t>(length(e))};
  }
  std::span<const act_t> scores(int e) const {
    return {score_.data() + static_cast<std::size_t>(e) * static_cast<std::size_t>(capacity_), static_cast<std::size_t>(length(e))};
  }
  std::span<const int> active() const { return {active_.data(), static_cast<std::size_t>(active_count_)}; }
  int capacity() const { return capacity_; }

 private:
  int capacity_;
  std::vector<std::int32_t> token_;
  std::vector<act_t> score_;
  std::array<int, kMaxExperts> length_{};
  std::array<int, kMaxExperts> active_{};
  int active_count_ = 0;
};

// Per token: the chosen experts (in selection order) and their scores.
struct TokenRoute {
  std::array<int, kMaxTopK> expert{};
  std::array<act_t, kMaxTopK> score{};
};

// Top-k on one token's logits with single-pass softmax probabilities, each e^(s−m) / S by
// division as the design's gate does. `wraps` counts results that wrapped.
inline TokenRoute route_token(std::span<const act_t> logits, const MoeConfig& c, std::int64_t& wraps) {
  OnePassSoftmax sm;
  for (act_t l : logits) sm.push(l);
  wraps += sm.wraps();
  TokenRoute tr;
  std::array<bool, kMaxExperts> taken{};
  for (int r = 0; r < c.top_k; ++r) {  // k passes of a 16-way comparator
    int best = -1;
    for (int e = 0; e < c.experts; ++e)
      if (!taken[static_cast<std::size_t>(e)] && (best < 0 || logits[static_cast<std::size_t>(e)] > logits[static_cast<std::size_t>(best)])) best = e;
    taken[static_cast<std::size_t>(best)] = true;
    tr.expert[static_cast<std::size_t>(r)] = best;
    tr.score[static_cast<std::size_t>(r)] = softmax_prob_div(logits[static_cast<std::size_t>(best)], sm.max(), sm.sum(), wraps);
  }
  if (c.renormalize) {
    act_t sum;
    for (int r = 0; r < c.top_k; ++r) sum = act_t::quantize(sum + tr.score[static_cast<std::size_t>(r)], wraps);
    const act_t inv = reciprocal(sum);
    for (int r = 0; r < c.top_k; ++r) tr.score[static_cast<std::size_t>(r)] = act_t::quantize(tr.score[static_cast<std::size_t>(r)] * inv, wraps);
  }
  return tr;
}

struct MoeStats {
  UnitStats gate;                                  // gate layer, softmax, top-k, queues
  std::array<UnitStats, kMaxExperts> expert{};     // per expert: fc1 + fc2 (weights loaded once)
  std::array<int, kMaxExperts> tokens{};           // queue length per expert
  int active = 0;
  std::int64_t weight_loads = 0;                   // expert weight sets fetched from DDR
};

inline void check_moe(const MoeConfig& c, const MoeWeights& w, ConstActRows x, ActRows y) {
  if (c.experts <= 0 || c.experts > kMaxExperts || c.top_k <= 0 || c.top_k > kMaxTopK || c.top_k > c.experts ||
      w.fc1.size() != static_cast<std::size_t>(c.experts) || w.fc2.size() != static_cast<std::size_t>(c.experts) ||
      w.gate.out_dim != c.experts || w.gate.in_dim != x.cols || y.cols != x.cols || y.rows < x.rows)
    throw std::invalid_argument("moe unit: configuration and weights do not match");
}

// The patch-reordered unit. Scratch: `logits` [T][E], `hidden` [T][H], `queues` of capacity
// ≥ T. y is overwritten.
inline MoeStats moe_unit(const MoeConfig& c, const MoeWeights& w, ConstActRows x, ActRows y, ActRows logits, ActRows hidden,
                         ExpertQueues& queues) {
  check_moe(c, w, x, y);
  const int T = x.rows;
  MoeStats ms;

  // Gate: logits for every token, then routing into the queues.
  ms.gate = linear_unit(LinearCall{T, OutAct::none, LinearStore::store}, w.gate, x, {}, logits);
  queues.clear();
  for (int t = 0; t < T; ++t) {  // PIPELINE: one token per E/8 cycles through softmax and top-k
    const TokenRoute tr = route_token({logits.row(t), static_cast<std::size_t>(c.experts)}, c, ms.gate.wraps);
    ms.gate.cycles += ceil_div(c.experts, kBeatValues);
    for (int r = 0; r < c.top_k; ++r) {
      queues.push(tr.expert[static_cast<std::size_t>(r)], t, tr.score[static_cast<std::size_t>(r)]);
      ms.gate.act_write_bytes += 8;  // the queue entry (token, score)
    }
  }
  queues.finish_routing(c.experts);

  // The output starts at zero (one beat per cycle).
  for (int t = 0; t < T; ++t) {
    std::fill_n(y.row(t), y.cols, act_t());
    ms.gate.cycles += ceil_div(y.cols, kBeatValues);
    ms.gate.act_write_bytes += static_cast<std::int64_t>(y.cols) * 4;
  }

  // Experts: weights loaded once each, applied to their own tokens only.
  for (int e : queues.active()) {
    const int n = queues.length(e);
    const auto tokens = queues.tokens(e);
    UnitStats& es = ms.expert[static_cast<std::size_t>(e)];
    es += linear_unit(LinearCall{n, OutAct::gelu, LinearStore::store}, w.fc1[static_cast<std::size_t>(e)], x, tokens, hidden);
    es += linear_unit(LinearCall{n, OutAct::none, LinearStore::scale_accumulate}, w.fc2[static_cast<std::size_t>(e)], as_const(hidden), {},
                      y, tokens, queues.scores(e));
    ms.tokens[static_cast<std::size_t>(e)] = n;
    ++ms.active;
    ++ms.weight_loads;
  }
  return ms;
}


}  // namespace eb::fpga::hw
