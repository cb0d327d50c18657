// The two operations one attention lane does per key step, over a head of d values
// (d/8 beats), in Edge-MoE's arithmetic (src/attention.cpp, compute_q_matmul_k and
// compute_attn_matmul_v), on act_t raw integers:
//   lane_dot:  per 8-value beat, beat = Σ_{j<8} floor(q_j·k_j / 2^22)  (each product truncated
//              into the fm_t beat sum, which wraps), then the beat is scaled on its own:
//              acc ← wrap(acc + floor(wrap(beat) · scale / 2^22)), from 0. The design
//              multiplies each beat by attn_scale before adding it to the head's score, so
//              the score is Σ_beats act_t(beat · scale), not act_t(Σ_beats beat · scale).
//   lane_axpy: o_j ← wrap(o_j + floor(p·v_j / 2^22))
// Wrapping additions are modular, so a beat or an accumulation is the low 32 bits of its
// exact sum; `wraps` counts each beat, score, product or output whose exact value left
// Q32.10. As with the MAC array, the C simulation runs them with AVX2 when the host has it
// (exact 64-bit integer lanes, chosen at run time) and portably otherwise; the tests hold
// both to the scalar definitions.
#pragma once

#include <cstdint>

#include "backends/fpga/hw/formats.h"

namespace eb::fpga::hw {

act_t lane_dot(const act_t* q, const act_t* k, int head_dim, act_t scale, std::int64_t& wraps);
void lane_axpy(act_t p, const act_t* v, act_t* o, int head_dim, std::int64_t& wraps);

// The scalar definitions (also the portable path).
act_t lane_dot_scalar(const act_t* q, const act_t* k, int head_dim, act_t scale, std::int64_t& wraps);
void lane_axpy_scalar(act_t p, const act_t* v, act_t* o, int head_dim, std::int64_t& wraps);

}  // namespace eb::fpga::hw
