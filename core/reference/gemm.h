// The one matrix-multiply loop the reference kernels share (linear, matmul, attention,
// expert layers): out[M,N] = a[M,K]·b[K,N] with fp64 accumulation.
//
// The innermost loop runs over contiguous n of `b` and `out`, so it vectorises without
// reassociating any sum (each out[m,n] is still summed in k order, exactly as a plain
// triple loop would). Four rows of `a` share each load of `b`.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace eb::ref::detail {

// a: row m starts at a + m·lda; b: row-major [K, N]; out: row-major [M, N], overwritten.
template <class A>
void gemm_nn(const A* a, std::int64_t lda, const float* b, std::int64_t M, std::int64_t K, std::int64_t N,
             double* out) {
  std::fill(out, out + M * N, 0.0);
  std::int64_t m = 0;
  for (; m + 4 <= M; m += 4) {
    double* o0 = out + m * N;
    double* o1 = o0 + N;
    double* o2 = o1 + N;
    double* o3 = o2 + N;
    const A* a0 = a + m * lda;
    for (std::int64_t k = 0; k < K; ++k) {
      const double x0 = a0[k], x1 = a0[lda + k], x2 = a0[2 * lda + k], x3 = a0[3 * lda + k];
      const float* br = b + k * N;
      for (std::int64_t n = 0; n < N; ++n) {
        const double bv = br[n];
        o0[n] += x0 * bv;
        o1[n] += x1 * bv;
        o2[n] += x2 * bv;
        o3[n] += x3 * bv;
      }
    }
  }
  for (; m < M; ++m) {
    double* o = out + m * N;
    const A* ar = a + m * lda;
    for (std::int64_t k = 0; k < K; ++k) {
      const double x = ar[k];
      const float* br = b + k * N;
      for (std::int64_t n = 0; n < N; ++n) o[n] += x * static_cast<double>(br[n]);
    }
  }
}

// [rows, cols] (row stride ld) -> [cols, rows], so that a weight in [out, in] layout can
// feed gemm_nn.
inline std::vector<float> transposed(const float* src, std::int64_t rows, std::int64_t cols, std::int64_t ld) {
  std::vector<float> dst(static_cast<std::size_t>(rows * cols));
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t c = 0; c < cols; ++c) dst[static_cast<std::size_t>(c * rows + r)] = src[r * ld + c];
  return dst;
}

}  // namespace eb::ref::detail
