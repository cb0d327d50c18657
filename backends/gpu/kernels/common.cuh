// Device-side helpers shared by the kernel files: storage-type conversion to and from
// float, the activations, warp reductions, grid sizing and the dispatch from DType to a
// kernel template instance.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "backends/gpu/check.h"
#include "backends/gpu/kernels.h"

namespace eb::gpu::kernels {

__device__ __forceinline__ float to_float(float v) { return v; }
__device__ __forceinline__ float to_float(__half v) { return __half2float(v); }
__device__ __forceinline__ float to_float(__nv_bfloat16 v) { return __bfloat162float(v); }

template <class T>
__device__ __forceinline__ T from_float(float v);
template <>
__device__ __forceinline__ float from_float<float>(float v) {
  return v;
}
template <>
__device__ __forceinline__ __half from_float<__half>(float v) {
  return __float2half_rn(v);
}
template <>
__device__ __forceinline__ __nv_bfloat16 from_float<__nv_bfloat16>(float v) {
  return __float2bfloat16_rn(v);
}

// The activations of core/ops.h, in the same order of operations as the reference.
__device__ __forceinline__ float activate(Activation a, float x) {
  switch (a) {
    case Activation::none: return x;
    case Activation::relu: return x > 0.0f ? x : 0.0f;
    case Activation::relu6: return fminf(fmaxf(x, 0.0f), 6.0f);
    case Activation::hardswish: return x * fminf(fmaxf(x + 3.0f, 0.0f), 6.0f) / 6.0f;
    case Activation::hardsigmoid: return fminf(fmaxf(x + 3.0f, 0.0f), 6.0f) / 6.0f;
    case Activation::sigmoid: return 1.0f / (1.0f + expf(-x));
    case Activation::gelu: return 0.5f * x * (1.0f + erff(x * 0.70710678118654752440f));
  }
  return x;
}

__device__ __forceinline__ float warp_sum(float v) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}
__device__ __forceinline__ float warp_max(float v) {
  for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
  return v;
}

inline constexpr int kThreads = 256;
inline constexpr int kWarpsPerBlock = kThreads / 32;

// Blocks for a grid-stride loop over n elements (capped: the loops stride over the rest).
inline unsigned grid_for(i64 n) {
  const i64 blocks = (n + kThreads - 1) / kThreads;
  return static_cast<unsigned>(std::clamp<i64>(blocks, 1, i64{1} << 20));
}
// Blocks for one warp per row.
inline unsigned grid_for_rows(i64 rows) {
  const i64 blocks = (rows + kWarpsPerBlock - 1) / kWarpsPerBlock;
  return static_cast<unsigned>(std::max<i64>(blocks, 1));
}

// Calls f.template operator()<T>() with T the CUDA type of storage type t.
template <class F>
void dispatch(DType t, F&& f) {
  switch (t) {
    case DType::f32: f.template operator()<float>(); return;
    case DType::f16: f.template operator()<__half>(); return;
    case DType::bf16: f.template operator()<__nv_bfloat16>(); return;
    default: break;
  }
  throw std::invalid_argument("gpu kernels: unsupported storage type " + std::string(dtype_name(t)));
}

}  // namespace eb::gpu::kernels
