// The 16 × 16 MAC array of the unified linear unit, as one primitive: for one block of
// 16 outputs, every cycle takes 16 inputs and a 16×16 weight tile and does, as Edge-MoE's
// compute_linear_on_stream does (`addend[o] = in[i] * w[o][i]` into an fm_t, then
// `out_block += addend`):
//     acc_o ← acc_o + Σ_{i<16} floor(x_i · w_{o,i} · 2^−Fw)   each product truncated (AP_TRN)
//                                                             to act_t's 22 fractional bits
// starting from the bias, and the 32-bit accumulator wraps (AP_WRAP). Where x and acc are
// act_t raw integers (Q32.10) and w a 16-bit weight raw integer with Fw fractional bits.
// Wrapping additions are modular, so the result is the exact sum's low 32 bits whatever the
// order; an output counts as one wrap when that exact sum lies outside Q32.10 (a chain of
// wraps that cancel leaves the result exact and is not counted).
//
// How the C simulation runs it fast without changing a bit: every product is below 2^46
// in magnitude and every truncated product below 2^33 (Fw ≥ 13), so IEEE doubles hold
// them and their sums over a row (≤ 4608 inputs) exactly; the scaling by 2^−Fw and the
// floor are exact too. `mac_block` uses AVX2 when the host has it (chosen at run time) and
// a portable loop otherwise; tests/fpga holds both to the obvious 64-bit integer
// definition of the formula above.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "backends/fpga/hw/params.h"

namespace eb::fpga::hw {

// Rows the C simulation pushes through one pass over a weight block (the hardware does one
// row per pass; rows are independent, so pairing them changes no result).
inline constexpr int kSimRows = 2;

struct MacBlockArgs {
  int rows = 1;                                    // 1 … kSimRows
  std::array<const double*, kSimRows> x{};         // each: in_blocks·16 act_t raws (as doubles)
  const float* tiles = nullptr;                    // [in_blocks][16 inputs][16 outputs] weight raws
  int in_blocks = 0;
  int weight_frac_bits = 0;                        // Fw
  const double* bias = nullptr;                    // 16 act_t raws: the accumulators' start
  std::array<std::int32_t*, kSimRows> acc_out{};   // each: 16 act_t raws
};

// Runs the array over all in blocks of one out block, for `rows` rows. Returns the outputs
// that wrapped.
std::int64_t mac_block(const MacBlockArgs& a);

// The portable path (what mac_block runs without AVX2), callable for tests.
std::int64_t mac_block_portable(const MacBlockArgs& a);

// Whether mac_block takes the AVX2 path on this host (recorded in the executable's info).
bool mac_block_vectorized();

}  // namespace eb::fpga::hw
