// The number formats of the Edge-MoE datapath (Sarkar et al., ICCAD 2023), one alias per
// role, with the rounding and overflow modes this design states for each.
//
//   role                                         format        range           step
//   activations and accumulators (fm_t)          Fixed<32,10>  ±512            2^−22
//   linear and gate weights                      Fixed<16,2>   ±2              2^−14
//   Q/K/V and attention-projection biases        Fixed<16,7>   ±64             2^−9
//   other biases, LayerNorm γ and β              Fixed<16,5>   ±16             2^−11
//   patch-embedding weights                      Fixed<16,0>   ±0.5            2^−16
//   pixels (image scaled to [0, 1))              UFixed<8,0>   [0, 1)          2^−8
//
// Modes: the design declares every format as a plain ap_fixed<W,I>, so each takes
// ap_fixed's defaults: AP_TRN (quantisation truncates toward −∞: floor) and AP_WRAP (an
// overflow keeps the low W bits, two's complement: +512 becomes −512). The C simulation
// does the same, and counts each wrap of a unit's result (UnitStats::wraps, reported as
// fpga.last_run.fixed.wraps) so that a wrap that corrupts a result is seen, not silent.
// The host-side conversions (weights, and a run's f32 input) are not the datapath: they
// floor and saturate, and count every clamp (weight_convert.h, lower.h).
#pragma once

#include "backends/fpga/hw/fixed.h"

namespace eb::fpga::hw {

using act_t = Fixed<32, 10, true, Quant::trn, Overflow::wrap>;  // fm_t: feature maps, scores, probabilities, accumulators
using wt_linear_t = Fixed<16, 2>;       // Q/K/V, projection, MLP, expert and gate weights
using wt_attn_bias_t = Fixed<16, 7>;    // Q/K/V and projection biases
using wt_bias_t = Fixed<16, 5>;         // MLP, expert and patch-embedding biases
using wt_norm_t = Fixed<16, 5>;         // LayerNorm γ and β
using wt_patch_embed_t = Fixed<16, 0>;  // patch-embedding (16×16 convolution) weights
using pixel_t = Fixed<8, 0, false>;     // input pixels: level k ∈ [0, 255] is k/256

}  // namespace eb::fpga::hw
