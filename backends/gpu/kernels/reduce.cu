// Reductions, one warp per row with fp32 accumulation: layer norm (two-pass variance, as
// the reference), softmax (max-subtracted), global average pooling.
//
// Rows here are short (a token's D = 192..768, an attention row of T ≈ 129, a pooled
// plane of ≤ 400): a warp per row keeps every block busy without shared memory; the
// repeated passes over a row hit L1.
#include "backends/gpu/kernels/common.cuh"

namespace eb::gpu::kernels {
namespace {

template <class T>
__global__ void layernorm_kernel(const T* __restrict__ x, T* __restrict__ y, const float* __restrict__ gamma,
                                 const float* __restrict__ beta, i64 rows, i64 d, float eps) {
  const i64 row = blockIdx.x * static_cast<i64>(kWarpsPerBlock) + threadIdx.x / 32;
  const int lane = threadIdx.x % 32;
  if (row >= rows) return;
  const T* xr = x + row * d;
  T* yr = y + row * d;
  float sum = 0.0f;
  for (i64 i = lane; i < d; i += 32) sum += to_float(xr[i]);
  const float mean = warp_sum(sum) / static_cast<float>(d);
  float sq = 0.0f;
  for (i64 i = lane; i < d; i += 32) {
    const float dv = to_float(xr[i]) - mean;
    sq += dv * dv;
  }
  const float inv = 1.0f / sqrtf(warp_sum(sq) / static_cast<float>(d) + eps);
  for (i64 i = lane; i < d; i += 32) yr[i] = from_float<T>((to_float(xr[i]) - mean) * inv * gamma[i] + beta[i]);
}

// x and y may alias (attention normalises its scores in place): no __restrict__.
template <class T>
__global__ void softmax_kernel(const T* x, T* y, i64 outer, i64 len, i64 inner) {
  const i64 row = blockIdx.x * static_cast<i64>(kWarpsPerBlock) + threadIdx.x / 32;
  const int lane = threadIdx.x % 32;
  if (row >= outer * inner) return;
  const i64 base = (row / inner) * len * inner + row % inner;
  float mx = -INFINITY;
  for (i64 k = lane; k < len; k += 32) mx = fmaxf(mx, to_float(x[base + k * inner]));
  mx = warp_max(mx);
  float sum = 0.0f;
  for (i64 k = lane; k < len; k += 32) sum += expf(to_float(x[base + k * inner]) - mx);
  sum = warp_sum(sum);
  for (i64 k = lane; k < len; k += 32) y[base + k * inner] = from_float<T>(expf(to_float(x[base + k * inner]) - mx) / sum);
}

template <class T>
__global__ void global_avg_pool_kernel(const T* __restrict__ x, T* __restrict__ y, i64 planes, i64 hw) {
  const i64 plane = blockIdx.x * static_cast<i64>(kWarpsPerBlock) + threadIdx.x / 32;
  const int lane = threadIdx.x % 32;
  if (plane >= planes) return;
  const T* xp = x + plane * hw;
  float sum = 0.0f;
  for (i64 i = lane; i < hw; i += 32) sum += to_float(xp[i]);
  sum = warp_sum(sum);
  if (lane == 0) y[plane] = from_float<T>(sum / static_cast<float>(hw));
}

}  // namespace

void layernorm(const void* x, void* y, DType t, const float* gamma, const float* beta, i64 rows, i64 d, float eps,
               cudaStream_t stream) {
  if (rows == 0 || d == 0) return;
  dispatch(t, [&]<class T>() {
    layernorm_kernel<T><<<grid_for_rows(rows), kThreads, 0, stream>>>(static_cast<const T*>(x), static_cast<T*>(y), gamma,
                                                                       beta, rows, d, eps);
  });
  check_launch("layernorm_kernel");
}

void softmax(const void* x, void* y, DType t, i64 outer, i64 len, i64 inner, cudaStream_t stream) {
  if (outer * len * inner == 0) return;
  dispatch(t, [&]<class T>() {
    softmax_kernel<T><<<grid_for_rows(outer * inner), kThreads, 0, stream>>>(static_cast<const T*>(x), static_cast<T*>(y),
                                                                              outer, len, inner);
  });
  check_launch("softmax_kernel");
}

void global_avg_pool(const void* x, void* y, DType t, i64 planes, i64 hw, cudaStream_t stream) {
  if (planes == 0 || hw == 0) return;
  dispatch(t, [&]<class T>() {
    global_avg_pool_kernel<T><<<grid_for_rows(planes), kThreads, 0, stream>>>(static_cast<const T*>(x),
                                                                                static_cast<T*>(y), planes, hw);
  });
  check_launch("global_avg_pool_kernel");
}

}  // namespace eb::gpu::kernels
