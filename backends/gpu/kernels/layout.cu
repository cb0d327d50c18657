// Data movement kernels: transpose, zero padding (for cuDNN, whose descriptors only pad
// symmetrically), bilinear resize, and the head split/merge around attention. (concat,
// slice and reshape need no kernel: strided copies and aliases do.)
#include "backends/gpu/kernels/common.cuh"

namespace eb::gpu::kernels {
namespace {

template <class T>
__global__ void transpose_kernel(const T* __restrict__ x, T* __restrict__ y, Permute p, i64 n) {
  for (i64 i = blockIdx.x * static_cast<i64>(blockDim.x) + threadIdx.x; i < n; i += static_cast<i64>(gridDim.x) * blockDim.x) {
    i64 rest = i, off = 0;
    for (int d = p.rank - 1; d >= 0; --d) {
      off += (rest % p.dims[d]) * p.in_stride[d];
      rest /= p.dims[d];
    }
    y[i] = x[off];
  }
}

template <class T>
__global__ void pad2d_kernel(const T* __restrict__ x, T* __restrict__ y, i64 planes, i64 h, i64 w, i64 top, i64 left,
                             i64 out_h, i64 out_w) {
  const i64 n = planes * out_h * out_w;
  for (i64 i = blockIdx.x * static_cast<i64>(blockDim.x) + threadIdx.x; i < n; i += static_cast<i64>(gridDim.x) * blockDim.x) {
    const i64 ox = i % out_w, oy = (i / out_w) % out_h, p = i / (out_w * out_h);
    const i64 iy = oy - top, ix = ox - left;
    y[i] = (iy >= 0 && iy < h && ix >= 0 && ix < w) ? x[(p * h + iy) * w + ix] : from_float<T>(0.0f);
  }
}

// Source coordinate of output index o (ResizeAttrs), clamped to [0, in−1] as the
// reference does, split into the two taps and the upper tap's weight.
__device__ __forceinline__ void resize_taps(ResizeMode mode, i64 o, i64 in, i64 out, i64& lo, i64& hi, float& frac) {
  float src;
  if (mode == ResizeMode::align_corners)
    src = out > 1 ? static_cast<float>(o * (in - 1)) / static_cast<float>(out - 1) : 0.0f;
  else if (mode == ResizeMode::half_pixel_centers)
    src = (static_cast<float>(o) + 0.5f) * static_cast<float>(in) / static_cast<float>(out) - 0.5f;
  else
    src = static_cast<float>(o * in) / static_cast<float>(out);
  src = fminf(fmaxf(src, 0.0f), static_cast<float>(in - 1));
  lo = static_cast<i64>(floorf(src));
  hi = lo + 1 < in ? lo + 1 : in - 1;
  frac = src - static_cast<float>(lo);
}

template <class T>
__global__ void resize_kernel(const T* __restrict__ x, T* __restrict__ y, i64 planes, i64 h, i64 w, i64 out_h, i64 out_w,
                              ResizeMode mode) {
  const i64 n = planes * out_h * out_w;
  for (i64 i = blockIdx.x * static_cast<i64>(blockDim.x) + threadIdx.x; i < n; i += static_cast<i64>(gridDim.x) * blockDim.x) {
    const i64 ox = i % out_w, oy = (i / out_w) % out_h, p = i / (out_w * out_h);
    i64 y0, y1, x0, x1;
    float fy, fx;
    resize_taps(mode, oy, h, out_h, y0, y1, fy);
    resize_taps(mode, ox, w, out_w, x0, x1, fx);
    const T* xp = x + p * h * w;
    const float a = to_float(xp[y0 * w + x0]), b = to_float(xp[y0 * w + x1]);
    const float c = to_float(xp[y1 * w + x0]), d = to_float(xp[y1 * w + x1]);
    const float top = a + (b - a) * fx, bot = c + (d - c) * fx;
    y[i] = from_float<T>(top + (bot - top) * fy);
  }
}

template <class T>
__global__ void split_heads_kernel(const T* __restrict__ qkv, T* __restrict__ q, T* __restrict__ k, T* __restrict__ v,
                                   i64 batch, i64 tokens, i64 heads, i64 head_dim) {
  const i64 d = heads * head_dim, n = batch * tokens * 3 * d;
  for (i64 i = blockIdx.x * static_cast<i64>(blockDim.x) + threadIdx.x; i < n; i += static_cast<i64>(gridDim.x) * blockDim.x) {
    const i64 col = i % (3 * d), bt = i / (3 * d);  // bt = b·T + t
    const i64 part = col / d, h = (col % d) / head_dim, j = col % head_dim;
    const i64 b = bt / tokens, t = bt % tokens;
    T* dst = part == 0 ? q : (part == 1 ? k : v);
    dst[((b * heads + h) * tokens + t) * head_dim + j] = qkv[i];
  }
}

template <class T>
__global__ void merge_heads_kernel(const T* __restrict__ o, T* __restrict__ y, i64 batch, i64 tokens, i64 heads,
                                   i64 head_dim) {
  const i64 d = heads * head_dim, n = batch * tokens * d;
  for (i64 i = blockIdx.x * static_cast<i64>(blockDim.x) + threadIdx.x; i < n; i += static_cast<i64>(gridDim.x) * blockDim.x) {
    const i64 col = i % d, bt = i / d;
    const i64 h = col / head_dim, j = col % head_dim, b = bt / tokens, t = bt % tokens;
    y[i] = o[((b * heads + h) * tokens + t) * head_dim + j];
  }
}

__global__ void probe_kernel() {}

}  // namespace

void transpose(const void* x, void* y, DType t, const Permute& p, i64 n, cudaStream_t stream) {
  if (n == 0) return;
  dispatch(t, [&]<class T>() {
    transpose_kernel<T><<<grid_for(n), kThreads, 0, stream>>>(static_cast<const T*>(x), static_cast<T*>(y), p, n);
  });
  check_launch("transpose_kernel");
}

void pad2d(const void* x, void* y, DType t, i64 planes, i64 h, i64 w, i64 top, i64 left, i64 out_h, i64 out_w,
           cudaStream_t stream) {
  const i64 n = planes * out_h * out_w;
  if (n == 0) return;
  dispatch(t, [&]<class T>() {
    pad2d_kernel<T><<<grid_for(n), kThreads, 0, stream>>>(static_cast<const T*>(x), static_cast<T*>(y), planes, h, w, top,
                                                         left, out_h, out_w);
  });
  check_launch("pad2d_kernel");
}

void resize_bilinear(const void* x, void* y, DType t, i64 planes, i64 h, i64 w, i64 out_h, i64 out_w, ResizeMode mode,
                     cudaStream_t stream) {
  const i64 n = planes * out_h * out_w;
  if (n == 0) return;
  dispatch(t, [&]<class T>() {
    resize_kernel<T><<<grid_for(n), kThreads, 0, stream>>>(static_cast<const T*>(x), static_cast<T*>(y), planes, h, w,
                                                          out_h, out_w, mode);
  });
  check_launch("resize_kernel");
}

void split_heads(const void* qkv, void* q, void* k, void* v, DType t, i64 batch, i64 tokens, i64 heads, i64 head_dim,
                 cudaStream_t stream) {
  const i64 n = batch * tokens * 3 * heads * head_dim;
  if (n == 0) return;
  dispatch(t, [&]<class T>() {
    split_heads_kernel<T><<<grid_for(n), kThreads, 0, stream>>>(static_cast<const T*>(qkv), static_cast<T*>(q),
                                                               static_cast<T*>(k), static_cast<T*>(v), batch, tokens,
                                                               heads, head_dim);
  });
  check_launch("split_heads_kernel");
}

void merge_heads(const void* o, void* y, DType t, i64 batch, i64 tokens, i64 heads, i64 head_dim, cudaStream_t stream) {
  const i64 n = batch * tokens * heads * head_dim;
  if (n == 0) return;
  dispatch(t, [&]<class T>() {
    merge_heads_kernel<T><<<grid_for(n), kThreads, 0, stream>>>(static_cast<const T*>(o), static_cast<T*>(y), batch,
                                                               tokens, heads, head_dim);
  });
  check_launch("merge_heads_kernel");
}

cudaError_t probe_kernel_image() {
  cudaFuncAttributes attrs{};
  return cudaFuncGetAttributes(&attrs, probe_kernel);
}

}  // namespace eb::gpu::kernels
