// Multi-head self-attention on the datapath, with Edge-MoE's attention reordering
// (technique 1) and single-pass softmax (technique 2).
//
// Arithmetic (shared by both schedules below, so that they agree bit for bit), Edge-MoE's
// (src/attention.cpp), every fm_t assignment truncating and wrapping:
//   score over a head: per 8-value beat, each product q_j·k_j truncated to act_t and summed
//       into the beat; the beat times 1/√d into act_t (the design's `attn_addend *=
//       attn_scale`, per beat); the scaled beats summed into the score
//       (hw/attention_lane.h; 1/√d as act_t: for d = 64 exactly 1/8, the design's 0.125);
//   per row, single-pass softmax statistics (1/S, m) in key order (hw/softmax_unit.h);
//   A·V: p = e^(s−m)·(1/S); out_d ← act_t(out_d + p·v_d), key by key in key order.
//
// The reordered schedule: P query rows (lanes) of a group are processed together against
// one stream of key beats. Lane j enters the stream at key step j: at step s it works on
// key s − j, which reaches it through a delay line (lane j−1's key of the previous step),
// and while on its first key (k = 0) it reads its own query row beat by beat. So in any
// cycle the unit reads one key beat from memory and at most one query beat, whatever P:
// parallelism costs registers, not bandwidth. A group takes T + P − 1 key steps (129
// tokens: 132 virtual rows of the schedule for P = 4), each of d/8 beats, II = 1. The A·V
// pass runs the same schedule over value beats, each lane reading one score per key step
// and writing its output row when done — the stagger also spreads those writes out.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <span>
#include <stdexcept>

#include "backends/fpga/hw/attention_lane.h"
#include "backends/fpga/hw/formats.h"
#include "backends/fpga/hw/params.h"
#include "backends/fpga/hw/softmax_unit.h"
#include "backends/fpga/hw/unit_stats.h"
#include "backends/fpga/hw/views.h"

namespace eb::fpga::hw {

struct AttentionShape {
  int tokens = 0;    // T
  int heads = 0;     // H
  int head_dim = 0;  // d (a multiple of 8)
  int dim() const { return heads * head_dim; }
};

// Per-cycle memory demand of the reordered schedule, counted by the kernel (for tests and
// for the cycle model's bandwidth check).
struct PortDemand {
  int max_key_beats = 0;    // key (or value) beats read from memory in one cycle
  int max_query_beats = 0;  // query beats read in one cycle
  std::int64_t key_beats = 0;
  std::int64_t query_beats = 0;
  std::int64_t pairs = 0;   // (query row, key) products formed: must be T² per head
};

// q·k over a head, beat by beat into an act_t accumulator, and o ← o + p·v over a head:
// what one lane does in a key step (hw/attention_lane.h has the arithmetic).
inline act_t dot_head(const act_t* q, const act_t* k, int head_dim, act_t scale, std::int64_t& wraps) {
  return lane_dot(q, k, head_dim, scale, wraps);
}
inline void axpy_head(act_t p, const act_t* v, act_t* o, int head_dim, std::int64_t& wraps) { lane_axpy(p, v, o, head_dim, wraps); }

// 1/√d in act_t (round to nearest).
inline act_t attention_scale(int head_dim) {
  return act_t::from_raw(static_cast<std::int64_t>(std::llround(std::ldexp(1.0 / std::sqrt(static_cast<double>(head_dim)), act_t::frac_bits))));
}

inline void check_attention_shape(const AttentionShape& s, ConstActRows qkv, ActRows out, std::span<act_t> scores,
                                  std::span<SoftmaxStats> stats) {
  if (s.tokens <= 0 || s.tokens > kMaxTokens || s.heads <= 0 || s.head_dim <= 0 || s.head_dim > kMaxHeadDim ||
      s.head_dim % kAttnBeat != 0)
    throw std::invalid_argument("attention unit: unsupported shape");
  if (qkv.rows < s.tokens || qkv.cols != 3 * s.dim() || out.rows < s.tokens || out.cols != s.dim() ||
      scores.size() < static_cast<std::size_t>(s.heads) * s.tokens * s.tokens || stats.size() < static_cast<std::size_t>(s.heads) * s.tokens)
    throw std::invalid_argument("attention unit: buffer sizes do not match the shape");
}

// The reordered unit with P lanes. `scores` [H][T][T] and `stats` [H][T] are its DDR
// scratch buffers; `demand` (optional) receives the per-cycle memory demand.
template <int P = kAttnParallel>
UnitStats attention_unit(const AttentionShape& s, ConstActRows qkv, ActRows out, std::span<act_t> scores,
                         std::span<SoftmaxStats> stats, PortDemand* demand = nullptr) {
  static_assert(P >= 1 && P <= 16);
  check_attention_shape(s, qkv, out, scores, stats);
  const int T = s.tokens, d = s.head_dim, D = s.dim(), beats = d / kAttnBeat, groups = ceil_div(T, P);
  const int steps = T + P - 1;
  const act_t scale = attention_scale(d);

  // On-chip state: per lane a query row, softmax registers and an output row; the key delay
  // line is a ring of the last P keys' head slices (lane j reads the key of step s − j).
  std::array<std::array<act_t, kMaxHeadDim>, P> q_reg{};
  std::array<std::array<act_t, kMaxHeadDim>, P> line{};
  std::array<std::array<act_t, kMaxHeadDim>, P> o_reg{};
  std::array<OnePassSoftmax, P> sm{};
  PortDemand pd;
  // Counted as the loops run: the cycle model's input (a change to the loops changes it).
  UnitStats u;
  constexpr std::int64_t value_bytes = 4;

  // The C simulation evaluates each lane's whole key step (d/8 beats) at once; the lanes
  // run in lockstep over the same beats in hardware, so the per-cycle demand is counted per
  // step: one key beat in each of its cycles, and one query beat per lane on its first key.
  const auto count_step = [&](int step, int query_lanes) {
    const int key_reads = step < T ? 1 : 0;
    pd.max_key_beats = std::max(pd.max_key_beats, key_reads);
    pd.max_query_beats = std::max(pd.max_query_beats, query_lanes);
    pd.key_beats += static_cast<std::int64_t>(key_reads) * beats;
    pd.query_beats += static_cast<std::int64_t>(query_lanes) * beats;
  };

  for (int h = 0; h < s.heads; ++h) {
    act_t* sc = scores.data() + static_cast<std::ptrdiff_t>(h) * T * T;
    SoftmaxStats* st = stats.data() + static_cast<std::ptrdiff_t>(h) * T;
    const int qoff = h * d, koff = D + h * d, voff = 2 * D + h * d;

    // Pass 1: scores and softmax statistics.
    ++u.fills;
    for (int g = 0; g < groups; ++g) {
      for (int j = 0; j < P; ++j) sm[static_cast<std::size_t>(j)] = OnePassSoftmax();
      for (int step = 0; step < steps; ++step) {  // PIPELINE II=1 over (step, beat)
        u.cycles += beats;
        if (step < T) {
          std::copy_n(qkv.row(step) + koff, d, line[static_cast<std::size_t>(step % P)].begin());  // the key beats
          u.act_read_bytes += d * value_bytes;
        }
        int query_lanes = 0;
        for (int j = 0; j < P; ++j) {  // UNROLL: the lanes
          const int row = g * P + j, k = step - j;
          if (row >= T || k < 0 || k >= T) continue;
          auto& q = q_reg[static_cast<std::size_t>(j)];
          if (k == 0) {  // the lane's first key: it reads its query row, one beat per cycle
            std::copy_n(qkv.row(row) + qoff, d, q.begin());
            ++query_lanes;
            u.act_read_bytes += d * value_bytes;
          }
          const act_t score = dot_head(q.data(), line[static_cast<std::size_t>(k % P)].data(), d, scale, u.wraps);
          sc[row * T + k] = score;
          u.act_write_bytes += value_bytes;
          u.macs += d;
          sm[static_cast<std::size_t>(j)].push(score);
          ++pd.pairs;
          if (k == T - 1) {
            st[row] = sm[static_cast<std::size_t>(j)].finish();
            u.wraps += sm[static_cast<std::size_t>(j)].wraps();
          }
        }
        count_step(step, query_lanes);
      }
    }

    // Pass 2: A·V with probabilities formed on the fly from (score, 1/S, m); each lane reads
    // one score per key step and writes its output row after its last key.
    ++u.fills;
    for (int g = 0; g < groups; ++g) {
      for (int step = 0; step < steps; ++step) {  // PIPELINE II=1 over (step, beat)
        u.cycles += beats;
        if (step < T) {
          std::copy_n(qkv.row(step) + voff, d, line[static_cast<std::size_t>(step % P)].begin());
          u.act_read_bytes += d * value_bytes;
        }
        for (int j = 0; j < P; ++j) {  // UNROLL
          const int row = g * P + j, k = step - j;
          if (row >= T || k < 0 || k >= T) continue;
          auto& o = o_reg[static_cast<std::size_t>(j)];
          if (k == 0) std::fill_n(o.begin(), d, act_t());
          axpy_head(softmax_prob(sc[row * T + k], st[row], u.wraps), line[static_cast<std::size_t>(k % P)].data(), o.data(), d, u.wraps);
          u.act_read_bytes += value_bytes;  // the pair's score
          u.macs += d;
          if (k == T - 1) {
            std::copy_n(o.begin(), d, out.row(row) + qoff);
            u.act_write_bytes += d * value_bytes;
          }
        }
      }
    }
  }
  if (demand) *demand = pd;
  return u;
}

}  // namespace eb::fpga::hw
