// Parameters of the Edge-MoE datapath: parallelism, memory beat and the static sizes of
// the on-chip buffers. Every kernel loop's trip count and unroll factor derives from these.
#pragma once

#include <cstdint>

#include "backends/fpga/hw/formats.h"

namespace eb::fpga::hw {

// AXI master ports move 256 bits per beat: 8 activations (32-bit) or 16 weights (16-bit).
inline constexpr int kAxiBits = 256;
inline constexpr int kBeatValues = kAxiBits / act_t::width;  // 8

// Unified linear unit: 16 inputs × 16 outputs per cycle (256 MACs/cycle).
inline constexpr int kLinearIn = 2 * kBeatValues;   // 16
inline constexpr int kLinearOut = 2 * kBeatValues;  // 16
inline constexpr int kMaxLinearIn = 4608;           // on-chip input row buffer (3×3×512 im2col rows fit)
inline constexpr int kMaxLinearOut = 4096;

// Attention: 4 query rows in flight against a stream of 8-value key beats.
inline constexpr int kAttnParallel = 4;
inline constexpr int kAttnBeat = kBeatValues;  // 8
inline constexpr int kMaxHeadDim = 128;
inline constexpr int kMaxTokens = 1024;

// Mixture of experts: gate width and routing.
inline constexpr int kMaxExperts = 16;
inline constexpr int kMaxTopK = 4;

// LayerNorm row buffer.
inline constexpr int kMaxNormDim = 4096;

constexpr int ceil_div(std::int64_t a, std::int64_t b) { return static_cast<int>((a + b - 1) / b); }

}  // namespace eb::fpga::hw
