// Host-side helpers of the int8 lowering (int8_lowering.h): tables that make the edgetpu
// backend's element-wise integer kernels look-ups, NumPy broadcasting over oneDNN layouts,
// and splitting a host loop over the step's threads.
//
// An element-wise int8 kernel with fixed quantisation parameters (hard-swish, relu,
// requantize, a logistic table, add, mul) gives a result that depends on its input
// value(s) alone. Running the kernel once at compile time on every int8 value (256
// entries), or every pair (65536 entries, 64 KiB), and looking the result up at run time
// is therefore bit-exact with the kernel by construction, and much faster than its
// fixed-point arithmetic.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include <omp.h>

#include "backends/cpu/builder.h"

namespace eb::cpu {

using Int8Table = std::array<std::int8_t, 256>;  // indexed by x + 128
using UnaryKernel = std::function<void(std::span<const std::int8_t>, std::span<std::int8_t>)>;
Int8Table tabulate(const UnaryKernel& kernel);

// kernel(a, a_index, b, b_index, y): y[i] = f(a[a_index[i]], b[b_index[i]]) (the edgetpu
// add/mul signature); the table is indexed by ((a + 128) << 8) | (b + 128).
using PairKernel = std::function<void(std::span<const std::int8_t>, std::span<const std::int64_t>,
                                      std::span<const std::int8_t>, std::span<const std::int64_t>, std::span<std::int8_t>)>;
std::vector<std::int8_t> tabulate_pairs(const PairKernel& kernel);

// The strides of a dense (unblocked) descriptor, in elements; throws std::logic_error for
// a blocked one (the int8 lowering keeps every tensor in plain or channels-last layouts).
std::vector<std::int64_t> strides_of(const md_t& md);

// For each element of the output (dense in `out_md`, walked in memory order), the element
// of each operand it reads under NumPy broadcasting (operand dimensions aligned right;
// extent-1 dimensions broadcast). An operand read in the output's own order gets an empty
// index (no table needed), and so does one broadcast per channel (a_period / b_period).
struct BroadcastIndex {
  std::vector<std::int64_t> a, b;
  // An operand broadcast per channel over a channels-last output (the squeeze-and-excite
  // gate [N, C, 1, 1] against [N, C, H, W] in nhwc): its index is
  // (i / block)·period + i % period, so it gets no table either (period 0: not so).
  std::int64_t a_period = 0, b_period = 0, block = 0;
};
BroadcastIndex broadcast_index(const Shape& ys, const md_t& out_md, const Shape& as, const md_t& a_md, const Shape& bs,
                               const md_t& b_md);

// Runs f(lo, hi) over [0, n) split across the OpenMP threads of the step; one range, on
// the calling thread, below 16 K elements, where a parallel region costs more than it saves.
template <class F>
void split(std::int64_t n, const F& f) {
  if (n < 16 * 1024 || omp_get_max_threads() == 1) return f(std::int64_t{0}, n);
#pragma omp parallel
  {
    const std::int64_t t = omp_get_thread_num(), nt = omp_get_num_threads();
    const std::int64_t lo = n * t / nt, hi = n * (t + 1) / nt;
    if (lo < hi) f(lo, hi);
  }
}

}  // namespace eb::cpu
