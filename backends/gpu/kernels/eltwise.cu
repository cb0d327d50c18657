// Element-wise kernels: storage-type conversion, activations, per-channel bias plus
// activation (the epilogue of cuDNN convolutions and of cuBLASLt products whose
// activation cuBLASLt cannot apply exactly), broadcasting add and mul.
#include "backends/gpu/kernels/common.cuh"

namespace eb::gpu::kernels {
namespace {

template <class S, class D>
__global__ void convert_kernel(const S* __restrict__ src, D* __restrict__ dst, i64 n) {
  for (i64 i = blockIdx.x * static_cast<i64>(blockDim.x) + threadIdx.x; i < n; i += static_cast<i64>(gridDim.x) * blockDim.x)
    dst[i] = from_float<D>(to_float(src[i]));
}

template <class T>
__global__ void activation_kernel(const T* x, T* y, i64 n, Activation act) {
  for (i64 i = blockIdx.x * static_cast<i64>(blockDim.x) + threadIdx.x; i < n; i += static_cast<i64>(gridDim.x) * blockDim.x)
    y[i] = from_float<T>(activate(act, to_float(x[i])));
}

template <class T>
__global__ void bias_activation_kernel(T* y, const float* __restrict__ bias, i64 n, i64 inner, i64 channels,
                                       Activation act) {
  for (i64 i = blockIdx.x * static_cast<i64>(blockDim.x) + threadIdx.x; i < n; i += static_cast<i64>(gridDim.x) * blockDim.x) {
    float v = to_float(y[i]);
    if (bias) v += bias[(i / inner) % channels];
    y[i] = from_float<T>(activate(act, v));
  }
}

template <class T>
__global__ void binary_kernel(const T* __restrict__ a, const T* __restrict__ b, T* __restrict__ y, Broadcast s,
                              bool multiply, i64 n) {
  for (i64 i = blockIdx.x * static_cast<i64>(blockDim.x) + threadIdx.x; i < n; i += static_cast<i64>(gridDim.x) * blockDim.x) {
    i64 oa = i, ob = i;
    if (!s.same_shape) {
      oa = 0;
      ob = 0;
      i64 rest = i;
      for (int d = s.rank - 1; d >= 0; --d) {
        const i64 idx = rest % s.dims[d];
        rest /= s.dims[d];
        oa += idx * s.stride_a[d];
        ob += idx * s.stride_b[d];
      }
    }
    const float va = to_float(a[oa]), vb = to_float(b[ob]);
    y[i] = from_float<T>(multiply ? va * vb : va + vb);
  }
}

}  // namespace

void convert(const void* src, DType src_t, void* dst, DType dst_t, i64 n, cudaStream_t stream) {
  if (n == 0) return;
  dispatch(src_t, [&]<class S>() {
    dispatch(dst_t, [&]<class D>() {
      convert_kernel<S, D><<<grid_for(n), kThreads, 0, stream>>>(static_cast<const S*>(src), static_cast<D*>(dst), n);
    });
  });
  check_launch("convert_kernel");
}

void activation(const void* x, void* y, DType t, i64 n, Activation act, cudaStream_t stream) {
  if (n == 0) return;
  dispatch(t, [&]<class T>() {
    activation_kernel<T><<<grid_for(n), kThreads, 0, stream>>>(static_cast<const T*>(x), static_cast<T*>(y), n, act);
  });
  check_launch("activation_kernel");
}

void bias_activation(void* y, DType t, const float* bias, i64 n, i64 inner, i64 channels, Activation act,
                     cudaStream_t stream) {
  if (n == 0 || (bias == nullptr && act == Activation::none)) return;
  dispatch(t, [&]<class T>() {
    bias_activation_kernel<T><<<grid_for(n), kThreads, 0, stream>>>(static_cast<T*>(y), bias, n, inner, channels, act);
  });
  check_launch("bias_activation_kernel");
}

void binary(const void* a, const void* b, void* y, DType t, const Broadcast& shape, bool multiply, i64 n,
            cudaStream_t stream) {
  if (n == 0) return;
  dispatch(t, [&]<class T>() {
    binary_kernel<T><<<grid_for(n), kThreads, 0, stream>>>(static_cast<const T*>(a), static_cast<const T*>(b),
                                                          static_cast<T*>(y), shape, multiply, n);
  });
  check_launch("binary_kernel");
}

}  // namespace eb::gpu::kernels
