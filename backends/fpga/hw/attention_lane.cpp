#include "backends/fpga/hw/attention_lane.h"

#include <bit>

#include "backends/fpga/hw/mac_array.h"
#include "backends/fpga/hw/params.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define EB_FPGA_HAVE_X86 1
#endif

namespace eb::fpga::hw {
namespace {

constexpr int kF = act_t::frac_bits;  // 22: a product of two act_t truncated back to act_t

// One beat's exact sum of truncated products → the scaled addend of the head's score.
act_t scaled_beat(std::int64_t beat, act_t scale, std::int64_t& wraps) {
  const act_t b = act_t::fit_raw(beat, wraps);
  return act_t::quantize(b * scale, wraps);
}

#ifdef EB_FPGA_HAVE_X86
// The helpers below pass __m256i by value between functions that all carry
// target("avx2") and are internal to this file, so the ABI note GCC gives for vector
// arguments in a non-AVX translation unit does not apply.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"

// floor(p / 2^s) of 64-bit lanes holding products of two int32 (|p| ≤ 2^62): AVX2 has no
// arithmetic 64-bit shift, so shift p + 2^62 (non-negative, < 2^63 + 1 as unsigned) logically.
__attribute__((target("avx2"))) inline __m256i floor_shift(__m256i p, int s) {
  const __m256i bias = _mm256_set1_epi64x(std::int64_t{1} << 62);
  return _mm256_sub_epi64(_mm256_srli_epi64(_mm256_add_epi64(p, bias), s), _mm256_set1_epi64x(std::int64_t{1} << (62 - s)));
}

// How many of the four 64-bit lanes lie outside act_t's range.
__attribute__((target("avx2"))) inline int count_outside(__m256i x) {
  const __m256i lo = _mm256_set1_epi64x(act_t::raw_min), hi = _mm256_set1_epi64x(act_t::raw_max);
  const __m256i out = _mm256_or_si256(_mm256_cmpgt_epi64(x, hi), _mm256_cmpgt_epi64(lo, x));
  return std::popcount(static_cast<unsigned>(_mm256_movemask_pd(_mm256_castsi256_pd(out))));
}

__attribute__((target("avx2"))) act_t lane_dot_avx2(const act_t* q, const act_t* k, int head_dim, act_t scale, std::int64_t& wraps) {
  std::int64_t acc = 0;
  for (int b = 0; b < head_dim; b += kAttnBeat) {
    const __m256i qv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + b));
    const __m256i kv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(k + b));
    const __m256i even = floor_shift(_mm256_mul_epi32(qv, kv), kF);
    const __m256i odd = floor_shift(_mm256_mul_epi32(_mm256_srli_epi64(qv, 32), _mm256_srli_epi64(kv, 32)), kF);
    const __m256i s4 = _mm256_add_epi64(even, odd);
    const __m128i s2 = _mm_add_epi64(_mm256_castsi256_si128(s4), _mm256_extracti128_si256(s4, 1));
    acc += scaled_beat(_mm_cvtsi128_si64(s2) + _mm_extract_epi64(s2, 1), scale, wraps).raw();
  }
  return act_t::fit_raw(acc, wraps);
}

__attribute__((target("avx2"))) void lane_axpy_avx2(act_t p, const act_t* v, act_t* o, int head_dim, std::int64_t& wraps) {
  const __m256i pv = _mm256_set1_epi64x(p.raw());
  int outside = 0;
  for (int j = 0; j < head_dim; j += kAttnBeat) {
    const __m256i vv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(v + j));
    const __m256i ov = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(o + j));
    // Even elements in the low halves of the 64-bit lanes, odd ones shifted down.
    const __m256i pe = floor_shift(_mm256_mul_epi32(pv, vv), kF);
    const __m256i po = floor_shift(_mm256_mul_epi32(pv, _mm256_srli_epi64(vv, 32)), kF);
    // Widen o's even and odd elements to 64 bits.
    const __m256i o_even = _mm256_cvtepi32_epi64(_mm256_castsi256_si128(_mm256_permutevar8x32_epi32(ov, _mm256_setr_epi32(0, 2, 4, 6, 0, 0, 0, 0))));
    const __m256i o_odd = _mm256_cvtepi32_epi64(_mm256_castsi256_si128(_mm256_permutevar8x32_epi32(ov, _mm256_setr_epi32(1, 3, 5, 7, 0, 0, 0, 0))));
    const __m256i re = _mm256_add_epi64(o_even, pe);
    const __m256i ro = _mm256_add_epi64(o_odd, po);
    outside += count_outside(pe) + count_outside(po) + count_outside(re) + count_outside(ro);
    // Back to 8 int32 in order, each the low 32 bits of its sum (the wrap): even results in
    // the low halves, odd in the high halves.
    const __m256i packed = _mm256_blend_epi32(re, _mm256_slli_epi64(ro, 32), 0b10101010);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(o + j), packed);
  }
  wraps += outside;
}
#pragma GCC diagnostic pop
#endif

}  // namespace

act_t lane_dot_scalar(const act_t* q, const act_t* k, int head_dim, act_t scale, std::int64_t& wraps) {
  std::int64_t acc = 0;
  for (int b = 0; b < head_dim; b += kAttnBeat) {
    std::int64_t beat = 0;
    for (int j = 0; j < kAttnBeat; ++j) beat += (static_cast<std::int64_t>(q[b + j].raw()) * k[b + j].raw()) >> kF;
    acc += scaled_beat(beat, scale, wraps).raw();
  }
  return act_t::fit_raw(acc, wraps);
}

void lane_axpy_scalar(act_t p, const act_t* v, act_t* o, int head_dim, std::int64_t& wraps) {
  for (int j = 0; j < head_dim; ++j) {
    const std::int64_t prod = (p.raw() * static_cast<std::int64_t>(v[j].raw())) >> kF;
    wraps += (prod > act_t::raw_max || prod < act_t::raw_min) ? 1 : 0;
    o[j] = act_t::fit_raw(o[j].raw() + prod, wraps);
  }
}

act_t lane_dot(const act_t* q, const act_t* k, int head_dim, act_t scale, std::int64_t& wraps) {
#ifdef EB_FPGA_HAVE_X86
  if (mac_block_vectorized()) return lane_dot_avx2(q, k, head_dim, scale, wraps);
#endif
  return lane_dot_scalar(q, k, head_dim, scale, wraps);
}

void lane_axpy(act_t p, const act_t* v, act_t* o, int head_dim, std::int64_t& wraps) {
#ifdef EB_FPGA_HAVE_X86
  if (mac_block_vectorized()) return lane_axpy_avx2(p, v, o, head_dim, wraps);
#endif
  lane_axpy_scalar(p, v, o, head_dim, wraps);
}

}  // namespace eb::fpga::hw
