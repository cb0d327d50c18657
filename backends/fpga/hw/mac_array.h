// The 16 × 16 MAC array of the unified linear unit, as one primitive: for one block of
// 16 outputs, every cycle takes 16 inputs and a 16×16 weight tile and does
//     tree_o = Σ_{i<16} x_i · w_{o,i}                 exact (adder tree as wide as needed)
//     acc_o  ← sat32(acc_o + floor(tree_o · 2^−Fw))   back to act_t's 22 fractional bits
// where x and acc are act_t raw integers (Q32.10) and w a 16-bit weight raw integer with
// Fw fractional bits.
//
// How the C simulation runs it fast without changing a bit: every product is below 2^46
// and every 16-term tree below 2^50 in magnitude, so IEEE doubles hold them exactly and
// any evaluation order (FMA included) gives the same integers; the floor, the addition
// and the clamp are exact on integers below 2^53 too. `mac_block` uses AVX2/FMA when the
// host has them (chosen at run time) and a portable loop otherwise; tests/fpga holds both
// to the obvious 64-bit integer definition of the formula above.
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

// Runs the array over all in blocks of one out block, for `rows` rows.
void mac_block(const MacBlockArgs& a);

// The portable path (what mac_block runs without AVX2/FMA), callable for tests.
void mac_block_portable(const MacBlockArgs& a);

// Whether mac_block takes the AVX2/FMA path on this host (recorded in the executable's info).
bool mac_block_vectorized();

}  // namespace eb::fpga::hw
