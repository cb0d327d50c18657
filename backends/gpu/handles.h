// RAII owners for every CUDA, cuBLAS(Lt) and cuDNN handle and descriptor the backend
// creates. Each is move-only and releases its handle exactly once; the make_* functions
// create one or throw GpuError naming the failed call.
#pragma once

#include <cublasLt.h>
#include <cublas_v2.h>
#include <cuda_runtime_api.h>
#include <cudnn.h>

#include <utility>

#include "backends/gpu/check.h"

namespace eb::gpu {

// Owns a handle of type H released by Destroy (whose status is ignored: a destructor has
// nobody to report to, and every destroy here only fails for an invalid handle).
template <class H, auto Destroy>
class Handle {
 public:
  Handle() = default;
  explicit Handle(H h) : h_(h) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& other) noexcept : h_(std::exchange(other.h_, H{})) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      h_ = std::exchange(other.h_, H{});
    }
    return *this;
  }
  ~Handle() { reset(); }

  H get() const { return h_; }
  explicit operator bool() const { return h_ != H{}; }
  void reset() {
    if (h_ != H{}) (void)Destroy(h_);
    h_ = H{};
  }

 private:
  H h_{};
};

using Stream = Handle<cudaStream_t, &cudaStreamDestroy>;
using Event = Handle<cudaEvent_t, &cudaEventDestroy>;
using CudaGraph = Handle<cudaGraph_t, &cudaGraphDestroy>;
using GraphExec = Handle<cudaGraphExec_t, &cudaGraphExecDestroy>;
using BlasHandle = Handle<cublasHandle_t, &cublasDestroy_v2>;
using BlasLtHandle = Handle<cublasLtHandle_t, &cublasLtDestroy>;
using LtMatmulDesc = Handle<cublasLtMatmulDesc_t, &cublasLtMatmulDescDestroy>;
using LtLayout = Handle<cublasLtMatrixLayout_t, &cublasLtMatrixLayoutDestroy>;
using LtPreference = Handle<cublasLtMatmulPreference_t, &cublasLtMatmulPreferenceDestroy>;
using DnnHandle = Handle<cudnnHandle_t, &cudnnDestroy>;
using TensorDesc = Handle<cudnnTensorDescriptor_t, &cudnnDestroyTensorDescriptor>;
using FilterDesc = Handle<cudnnFilterDescriptor_t, &cudnnDestroyFilterDescriptor>;
using ConvDesc = Handle<cudnnConvolutionDescriptor_t, &cudnnDestroyConvolutionDescriptor>;
using ActivationDesc = Handle<cudnnActivationDescriptor_t, &cudnnDestroyActivationDescriptor>;

// A stream that does not synchronise with the legacy default stream.
inline Stream make_stream() {
  cudaStream_t s{};
  EB_GPU_CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
  return Stream(s);
}
// Events for timing (cudaEventDefault) — not cudaEventDisableTiming.
inline Event make_event() {
  cudaEvent_t e{};
  EB_GPU_CHECK(cudaEventCreate(&e));
  return Event(e);
}
inline BlasHandle make_blas() {
  cublasHandle_t h{};
  EB_GPU_CHECK(cublasCreate(&h));
  return BlasHandle(h);
}
inline BlasLtHandle make_blas_lt() {
  cublasLtHandle_t h{};
  EB_GPU_CHECK(cublasLtCreate(&h));
  return BlasLtHandle(h);
}
inline DnnHandle make_dnn() {
  cudnnHandle_t h{};
  EB_GPU_CHECK(cudnnCreate(&h));
  return DnnHandle(h);
}
inline TensorDesc make_tensor_desc() {
  cudnnTensorDescriptor_t d{};
  EB_GPU_CHECK(cudnnCreateTensorDescriptor(&d));
  return TensorDesc(d);
}
inline FilterDesc make_filter_desc() {
  cudnnFilterDescriptor_t d{};
  EB_GPU_CHECK(cudnnCreateFilterDescriptor(&d));
  return FilterDesc(d);
}
inline ConvDesc make_conv_desc() {
  cudnnConvolutionDescriptor_t d{};
  EB_GPU_CHECK(cudnnCreateConvolutionDescriptor(&d));
  return ConvDesc(d);
}
inline ActivationDesc make_activation_desc() {
  cudnnActivationDescriptor_t d{};
  EB_GPU_CHECK(cudnnCreateActivationDescriptor(&d));
  return ActivationDesc(d);
}

}  // namespace eb::gpu
