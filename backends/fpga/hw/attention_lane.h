// The two operations one attention lane does per key step, over a head of d values
// (d/8 beats), in the attention unit's arithmetic (hw/attention_unit.h):
//   lane_dot:  acc ← sat(acc + Σ_beat floor(Σ_{j<8} floor(q_j·k_j / 2^12) / 2^10)), from 0
//   lane_axpy: o_j ← sat(o_j + sat(floor(p·v_j / 2^22)))
// on act_t raw integers. As with the MAC array, the C simulation runs them with AVX2 when
// the host has it (exact 64-bit integer lanes, chosen at run time) and portably otherwise;
// the tests hold both to the scalar definitions.
#pragma once

#include <cstdint>

#include "backends/fpga/hw/formats.h"

namespace eb::fpga::hw {

act_t lane_dot(const act_t* q, const act_t* k, int head_dim);
void lane_axpy(act_t p, const act_t* v, act_t* o, int head_dim);

// The scalar definitions (also the portable path).
act_t lane_dot_scalar(const act_t* q, const act_t* k, int head_dim);
void lane_axpy_scalar(act_t p, const act_t* v, act_t* o, int head_dim);

}  // namespace eb::fpga::hw
