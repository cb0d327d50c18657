#include "backends/fpga/hw/mac_array.h"

#include <cmath>

#include "backends/fpga/hw/formats.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define EB_FPGA_HAVE_X86 1
#endif

namespace eb::fpga::hw {
namespace {

// The accumulator's exact sum (an integer in a double) into act_t: low 32 bits, counted
// when it did not fit.
std::int32_t wrap_accumulator(double exact, std::int64_t& wraps) {
  return static_cast<std::int32_t>(act_t::fit_raw(static_cast<std::int64_t>(exact), wraps).raw());
}

}  // namespace

// Portable: the same exact double arithmetic, one output at a time.
std::int64_t mac_block_portable(const MacBlockArgs& a) {
  const double scale = std::ldexp(1.0, -a.weight_frac_bits);
  std::int64_t wraps = 0;
  for (int r = 0; r < a.rows; ++r) {
    std::array<double, kLinearOut> acc{};
    for (int o = 0; o < kLinearOut; ++o) acc[static_cast<std::size_t>(o)] = a.bias[o];
    for (int ib = 0; ib < a.in_blocks; ++ib) {
      const double* x = a.x[static_cast<std::size_t>(r)] + ib * kLinearIn;
      const float* tile = a.tiles + static_cast<std::ptrdiff_t>(ib) * kLinearIn * kLinearOut;
      for (int i = 0; i < kLinearIn; ++i)
        for (int o = 0; o < kLinearOut; ++o)
          acc[static_cast<std::size_t>(o)] += std::floor(x[i] * static_cast<double>(tile[i * kLinearOut + o]) * scale);
    }
    for (int o = 0; o < kLinearOut; ++o)
      a.acc_out[static_cast<std::size_t>(r)][o] = wrap_accumulator(acc[static_cast<std::size_t>(o)], wraps);
  }
  return wraps;
}

namespace {

#ifdef EB_FPGA_HAVE_X86
// AVX2: 16 outputs as four 4-lane accumulators per row, both rows sharing each weight load;
// the weights are pre-scaled by 2^−Fw (exact), so each product is one multiply and a floor.
__attribute__((target("avx2"))) std::int64_t mac_block_avx2(const MacBlockArgs& a) {
  const __m256d scale = _mm256_set1_pd(std::ldexp(1.0, -a.weight_frac_bits));
  __m256d acc[kSimRows][4];
  for (int r = 0; r < kSimRows; ++r)
    for (int q = 0; q < 4; ++q) acc[r][q] = _mm256_loadu_pd(a.bias + 4 * q);
  const double* x0 = a.x[0];
  const double* x1 = a.rows > 1 ? a.x[1] : a.x[0];
  for (int ib = 0; ib < a.in_blocks; ++ib) {
    const float* tile = a.tiles + static_cast<std::ptrdiff_t>(ib) * kLinearIn * kLinearOut;
    for (int i = 0; i < kLinearIn; ++i) {
      __m256d w[4];
      for (int q = 0; q < 4; ++q) w[q] = _mm256_mul_pd(_mm256_cvtps_pd(_mm_loadu_ps(tile + i * kLinearOut + 4 * q)), scale);
      const __m256d xa = _mm256_broadcast_sd(x0 + ib * kLinearIn + i);
      const __m256d xb = _mm256_broadcast_sd(x1 + ib * kLinearIn + i);
      for (int q = 0; q < 4; ++q) {
        acc[0][q] = _mm256_add_pd(acc[0][q], _mm256_floor_pd(_mm256_mul_pd(xa, w[q])));
        acc[1][q] = _mm256_add_pd(acc[1][q], _mm256_floor_pd(_mm256_mul_pd(xb, w[q])));
      }
    }
  }
  std::int64_t wraps = 0;
  for (int r = 0; r < a.rows; ++r) {
    alignas(32) double sums[kLinearOut];
    for (int q = 0; q < 4; ++q) _mm256_store_pd(sums + 4 * q, acc[r][q]);
    for (int o = 0; o < kLinearOut; ++o) a.acc_out[static_cast<std::size_t>(r)][o] = wrap_accumulator(sums[o], wraps);
  }
  return wraps;
}

bool host_has_avx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2");
}
#endif

}  // namespace

bool mac_block_vectorized() {
#ifdef EB_FPGA_HAVE_X86
  static const bool yes = host_has_avx2();  // a fact about the host, computed once
  return yes;
#else
  return false;
#endif
}

std::int64_t mac_block(const MacBlockArgs& a) {
#ifdef EB_FPGA_HAVE_X86
  if (mac_block_vectorized()) return mac_block_avx2(a);
#endif
  return mac_block_portable(a);
}

}  // namespace eb::fpga::hw
