#include "backends/fpga/hw/mac_array.h"

#include <algorithm>
#include <cmath>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define EB_FPGA_HAVE_X86 1
#endif

namespace eb::fpga::hw {
namespace {

constexpr double kAccMax = 2147483647.0;
constexpr double kAccMin = -2147483648.0;

}  // namespace

// Portable: the same exact double arithmetic, one output at a time.
void mac_block_portable(const MacBlockArgs& a) {
  const double scale = std::ldexp(1.0, -a.weight_frac_bits);
  for (int r = 0; r < a.rows; ++r) {
    std::array<double, kLinearOut> acc{};
    for (int o = 0; o < kLinearOut; ++o) acc[static_cast<std::size_t>(o)] = a.bias[o];
    for (int ib = 0; ib < a.in_blocks; ++ib) {
      std::array<double, kLinearOut> tree{};
      const double* x = a.x[static_cast<std::size_t>(r)] + ib * kLinearIn;
      const float* tile = a.tiles + static_cast<std::ptrdiff_t>(ib) * kLinearIn * kLinearOut;
      for (int i = 0; i < kLinearIn; ++i)
        for (int o = 0; o < kLinearOut; ++o) tree[static_cast<std::size_t>(o)] += x[i] * static_cast<double>(tile[i * kLinearOut + o]);
      for (int o = 0; o < kLinearOut; ++o) {
        auto& v = acc[static_cast<std::size_t>(o)];
        v = std::clamp(v + std::floor(tree[static_cast<std::size_t>(o)] * scale), kAccMin, kAccMax);
      }
    }
    for (int o = 0; o < kLinearOut; ++o) a.acc_out[static_cast<std::size_t>(r)][o] = static_cast<std::int32_t>(acc[static_cast<std::size_t>(o)]);
  }
}

namespace {

#ifdef EB_FPGA_HAVE_X86
// AVX2/FMA: 16 outputs as four 4-lane accumulators per row, both rows sharing each weight load.
__attribute__((target("avx2,fma"))) void mac_block_avx2(const MacBlockArgs& a) {
  const __m256d scale = _mm256_set1_pd(std::ldexp(1.0, -a.weight_frac_bits));
  const __m256d hi = _mm256_set1_pd(kAccMax), lo = _mm256_set1_pd(kAccMin);
  __m256d acc[kSimRows][4];
  for (int r = 0; r < kSimRows; ++r)
    for (int q = 0; q < 4; ++q) acc[r][q] = _mm256_loadu_pd(a.bias + 4 * q);
  const double* x0 = a.x[0];
  const double* x1 = a.rows > 1 ? a.x[1] : a.x[0];
  for (int ib = 0; ib < a.in_blocks; ++ib) {
    __m256d t0[4], t1[4];
    for (int q = 0; q < 4; ++q) t0[q] = t1[q] = _mm256_setzero_pd();
    const float* tile = a.tiles + static_cast<std::ptrdiff_t>(ib) * kLinearIn * kLinearOut;
    for (int i = 0; i < kLinearIn; ++i) {
      __m256d w[4];
      for (int q = 0; q < 4; ++q) w[q] = _mm256_cvtps_pd(_mm_loadu_ps(tile + i * kLinearOut + 4 * q));
      const __m256d xa = _mm256_broadcast_sd(x0 + ib * kLinearIn + i);
      const __m256d xb = _mm256_broadcast_sd(x1 + ib * kLinearIn + i);
      for (int q = 0; q < 4; ++q) {
        t0[q] = _mm256_fmadd_pd(xa, w[q], t0[q]);
        t1[q] = _mm256_fmadd_pd(xb, w[q], t1[q]);
      }
    }
    for (int q = 0; q < 4; ++q) {
      acc[0][q] = _mm256_max_pd(_mm256_min_pd(_mm256_add_pd(acc[0][q], _mm256_floor_pd(_mm256_mul_pd(t0[q], scale))), hi), lo);
      acc[1][q] = _mm256_max_pd(_mm256_min_pd(_mm256_add_pd(acc[1][q], _mm256_floor_pd(_mm256_mul_pd(t1[q], scale))), hi), lo);
    }
  }
  for (int r = 0; r < a.rows; ++r)
    for (int q = 0; q < 4; ++q)
      _mm_storeu_si128(reinterpret_cast<__m128i*>(a.acc_out[static_cast<std::size_t>(r)] + 4 * q), _mm256_cvtpd_epi32(acc[r][q]));
}

bool host_has_avx2_fma() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#endif

}  // namespace

bool mac_block_vectorized() {
#ifdef EB_FPGA_HAVE_X86
  static const bool yes = host_has_avx2_fma();  // a fact about the host, computed once
  return yes;
#else
  return false;
#endif
}

void mac_block(const MacBlockArgs& a) {
#ifdef EB_FPGA_HAVE_X86
  if (mac_block_vectorized()) return mac_block_avx2(a);
#endif
  mac_block_portable(a);
}

}  // namespace eb::fpga::hw
