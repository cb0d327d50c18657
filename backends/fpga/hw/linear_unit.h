// The unified linear unit (Edge-MoE technique 4): one 16-input × 16-output MAC array
// (256 MACs per cycle) serving the Q/K/V and projection layers, the dense MLP, the MoE
// gate and experts and the patch embedding (and, beyond Edge-MoE, im2col convolutions),
// with three options in its output stage:
//   * a fused activation: GELU (the GELU unit on each of the 16 outputs), or ReLU, ReLU6,
//     hard-swish for convolutions,
//   * gather: rows are read through an index list (an expert's token queue), so an expert
//     touches only the tokens routed to it,
//   * scale-and-accumulate: y[token] += score · out (an expert's output, weighted by the
//     gate probability, added into the token's result), instead of a plain store.
//
// Arithmetic, per output o and 16-input block, as Edge-MoE's compute_linear_on_stream:
//   acc_o ← acc_o + Σ_{i<16} act_t(x_i · w_{o,i})   each product truncated to 22 fractional
//                                                    bits; the accumulator wraps (AP_WRAP)
// starting from acc_o = bias_o (exact in act_t), then GELU / store / scale-accumulate
// (y ← act_t(y + act_t(score · out)), as the design's `block_out *= score; += dst`).
// Each output whose exact value left Q32.10 is counted in UnitStats::wraps.
//
// Weights live on chip for the whole layer (the load stage below fills the buffer from
// DDR; consecutive layers are double-buffered in hardware), tiled as the MAC array reads
// them: [out block][in block][16 inputs][16 outputs], zero-padded to whole blocks. Loop
// nest per layer: rows → out blocks → in blocks (II = 1), one pipeline after flattening.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "backends/fpga/hw/formats.h"
#include "backends/fpga/hw/mac_array.h"
#include "backends/fpga/hw/math_units.h"
#include "backends/fpga/hw/params.h"
#include "backends/fpga/hw/unit_stats.h"
#include "backends/fpga/hw/views.h"

namespace eb::fpga::hw {

// The on-chip weight and bias buffers of one linear layer, after the load stage. The C
// simulation keeps each raw integer as a float / double (exact: 16-bit weights, 32-bit
// biases) because that is what its MAC array consumes (hw/mac_array.h).
template <FixedPoint WT>
struct LinearWeights {
  int in_dim = 0;
  int out_dim = 0;
  int in_blocks = 0;
  int out_blocks = 0;
  std::vector<float> tiles;   // [out_blocks][in_blocks][kLinearIn][kLinearOut] WT raws, zero-padded
  std::vector<double> bias;   // [out_blocks · kLinearOut] act_t raws (a bias is exact in act_t)
  std::int64_t ddr_bytes = 0; // what the load stage read from DDR
};

// The load stage: weights row-major [out][in] and biases [out] in their DDR formats (as
// the host converter writes them; an empty bias span means no bias) → on-chip tiles.
template <FixedPoint WT, FixedPoint BT>
LinearWeights<WT> load_linear(std::span<const typename WT::raw_type> w, std::span<const typename BT::raw_type> b,
                              int out_dim, int in_dim) {
  static_assert(WT::width <= 16, "the MAC array multiplies by 16-bit weights");
  if (in_dim <= 0 || in_dim > kMaxLinearIn || out_dim <= 0 || out_dim > kMaxLinearOut)
    throw std::invalid_argument("linear unit: " + std::to_string(out_dim) + "×" + std::to_string(in_dim) +
                                " is outside the unit's buffers");
  if (w.size() != static_cast<std::size_t>(out_dim) * static_cast<std::size_t>(in_dim) ||
      (!b.empty() && b.size() != static_cast<std::size_t>(out_dim)))
    throw std::invalid_argument("linear unit: weight or bias size does not match the layer");
  LinearWeights<WT> lw;
  lw.in_dim = in_dim;
  lw.out_dim = out_dim;
  lw.in_blocks = ceil_div(in_dim, kLinearIn);
  lw.out_blocks = ceil_div(out_dim, kLinearOut);
  lw.tiles.assign(static_cast<std::size_t>(lw.out_blocks) * lw.in_blocks * kLinearIn * kLinearOut, 0.0f);
  lw.bias.assign(static_cast<std::size_t>(lw.out_blocks) * kLinearOut, 0.0);
  for (int o = 0; o < out_dim; ++o)
    for (int i = 0; i < in_dim; ++i) {
      const std::size_t tile = static_cast<std::size_t>(o / kLinearOut) * lw.in_blocks + static_cast<std::size_t>(i / kLinearIn);
      lw.tiles[(tile * kLinearIn + static_cast<std::size_t>(i % kLinearIn)) * kLinearOut + static_cast<std::size_t>(o % kLinearOut)] =
          static_cast<float>(w[static_cast<std::size_t>(o) * static_cast<std::size_t>(in_dim) + static_cast<std::size_t>(i)]);
    }
  for (std::size_t o = 0; o < b.size(); ++o) lw.bias[o] = static_cast<double>(act_t::quantize(BT::from_raw(b[o])).raw());
  lw.ddr_bytes = static_cast<std::int64_t>(w.size() * sizeof(typename WT::raw_type) + b.size() * sizeof(typename BT::raw_type));
  return lw;
}

enum class LinearStore : std::uint8_t {
  store,             // y[out_row(r)] = out
  scale_accumulate,  // y[out_row(r)] += score_r · out
};

struct LinearCall {
  int rows = 0;        // rows to compute (a queue's length when gathering)
  OutAct act = OutAct::none;  // activation in the output stage (store only)
  LinearStore store = LinearStore::store;
};

// Runs one layer over `call.rows` rows. Row r reads x row in_rows[r] (gather; r when
// in_rows is empty) and writes y row out_rows[r] (r when empty); scale_accumulate takes
// scores[r]. Returns what the unit did.
template <FixedPoint WT>
UnitStats linear_unit(const LinearCall& call, const LinearWeights<WT>& wts, ConstActRows x, std::span<const std::int32_t> in_rows,
                      ActRows y, std::span<const std::int32_t> out_rows = {}, std::span<const act_t> scores = {}) {
  const int in_blocks = wts.in_blocks, out_blocks = wts.out_blocks;
  const bool accumulate = call.store == LinearStore::scale_accumulate;
  const auto n_rows = static_cast<std::size_t>(call.rows);
  if (x.cols != wts.in_dim || y.cols != wts.out_dim) throw std::invalid_argument("linear unit: row widths do not match the layer");
  if ((!in_rows.empty() && in_rows.size() < n_rows) || (!out_rows.empty() && out_rows.size() < n_rows) ||
      (accumulate && scores.size() < n_rows))
    throw std::invalid_argument("linear unit: an index or score list is shorter than the rows to compute");

  // On-chip: the rows being processed (zero-padded to whole blocks) and the 16 accumulators.
  std::array<std::array<double, kMaxLinearIn>, kSimRows> xbuf{};
  std::array<std::array<std::int32_t, kLinearOut>, kSimRows> acc{};
  // Counted as the loops run: the cycle model's input (a change to the loops changes it).
  UnitStats s;
  s.fills = 1;

  for (int r0 = 0; r0 < call.rows; r0 += kSimRows) {  // LOOP_TRIPCOUNT max=kMaxTokens (one row per pass in hardware)
    const int nrows = std::min(kSimRows, call.rows - r0);
    for (int k = 0; k < nrows; ++k) {
      const int r = r0 + k;
      const act_t* row = x.row(in_rows.empty() ? r : in_rows[static_cast<std::size_t>(r)]);
      auto& buf = xbuf[static_cast<std::size_t>(k)];
      for (int i = 0; i < wts.in_dim; ++i) buf[static_cast<std::size_t>(i)] = static_cast<double>(row[i].raw());
    }

    for (int ob = 0; ob < out_blocks; ++ob) {  // flattened with the in-block loop inside mac_block: one pipeline
      MacBlockArgs args;
      args.rows = nrows;
      args.tiles = wts.tiles.data() + static_cast<std::ptrdiff_t>(ob) * in_blocks * kLinearIn * kLinearOut;
      args.in_blocks = in_blocks;
      args.weight_frac_bits = WT::frac_bits;
      args.bias = wts.bias.data() + static_cast<std::ptrdiff_t>(ob) * kLinearOut;
      for (int k = 0; k < kSimRows; ++k) {
        args.x[static_cast<std::size_t>(k)] = xbuf[static_cast<std::size_t>(k)].data();
        args.acc_out[static_cast<std::size_t>(k)] = acc[static_cast<std::size_t>(k)].data();
      }
      s.wraps += mac_block(args);  // PIPELINE II=1 over in blocks: one 16×16 step per cycle
      s.cycles += static_cast<std::int64_t>(nrows) * in_blocks;  // one iteration per (row, in block)
      s.macs += static_cast<std::int64_t>(nrows) * in_blocks * kLinearIn * kLinearOut;

      // Output stage: GELU and store, or scale by the gate score and accumulate.
      const int n = std::min(kLinearOut, wts.out_dim - ob * kLinearOut);
      for (int k = 0; k < nrows; ++k) {
        const auto& a = acc[static_cast<std::size_t>(k)];
        const int r = r0 + k;
        act_t* dst = y.row(out_rows.empty() ? r : out_rows[static_cast<std::size_t>(r)]) + ob * kLinearOut;
        if (accumulate) {
          const act_t score = scores[static_cast<std::size_t>(r)];
          for (int o = 0; o < n; ++o)  // UNROLL
            dst[o] = act_t::quantize(dst[o].exact() + act_t::quantize(score * act_t::from_raw(a[static_cast<std::size_t>(o)]), s.wraps).exact(),
                                     s.wraps);
        } else {
          for (int o = 0; o < n; ++o) {  // UNROLL
            const act_t v = act_t::from_raw(a[static_cast<std::size_t>(o)]);
            dst[o] = apply(call.act, v);
          }
        }
      }
    }
  }

  s.weight_bytes = wts.ddr_bytes;
  s.act_read_bytes = static_cast<std::int64_t>(call.rows) * wts.in_dim * 4 + (accumulate ? call.rows * (wts.out_dim * 4 + 4) : 0);
  s.act_write_bytes = static_cast<std::int64_t>(call.rows) * wts.out_dim * 4;
  return s;
}

}  // namespace eb::fpga::hw
