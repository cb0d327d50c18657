// Everything one compiled graph needs on its device: the device itself, one stream, the
// cuBLAS, cuBLASLt and cuDNN handles bound to that stream, and the cuBLAS workspace. All
// work of an executable is ordered on that single stream, which is what makes a captured
// CUDA graph of it valid and lets steps share scratch memory.
#pragma once

#include "backends/gpu/handles.h"
#include "backends/gpu/memory.h"
#include "backends/gpu/options.h"

namespace eb::gpu {

class GpuContext {
 public:
  // Selects the device, creates the stream and handles. Throws GpuError.
  explicit GpuContext(const GpuOptions& options);

  const GpuOptions& options() const { return options_; }
  int device() const { return options_.device; }
  // Storage type of activations and most weights (f32, f16 or bf16).
  DType dtype() const { return dtype_; }

  cudaStream_t stream() const { return stream_.get(); }
  cublasHandle_t blas() const { return blas_.get(); }
  cublasLtHandle_t blas_lt() const { return blas_lt_.get(); }
  cudnnHandle_t dnn() const { return dnn_.get(); }
  // Shared by cuBLAS (set as its workspace) and cuBLASLt (passed to every matmul): both
  // run on the one stream, so their uses never overlap.
  void* blas_workspace() const { return blas_workspace_.data(); }
  std::size_t blas_workspace_bytes() const { return blas_workspace_.bytes(); }

  // Makes this context's device current on the calling thread (runs may come from any
  // thread; CUDA's current device is per thread).
  void make_current() const;

 private:
  GpuOptions options_;
  DType dtype_;
  // Declaration order is destruction order reversed: handles go before the workspace
  // they use and the stream they are bound to.
  Stream stream_;
  DeviceBuffer blas_workspace_;
  BlasHandle blas_;
  BlasLtHandle blas_lt_;
  DnnHandle dnn_;
};

}  // namespace eb::gpu
