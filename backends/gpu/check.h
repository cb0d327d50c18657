// Status checks for the CUDA runtime, cuBLAS, cuBLASLt and cuDNN. Every library call in
// this backend goes through EB_GPU_CHECK, so a failure throws GpuError naming the call as
// written in the source and the library's own message ("cudnnConvolutionForward(...)
// failed: CUDNN_STATUS_BAD_PARAM (...)").
#pragma once

#include <cublas_api.h>
#include <cuda_runtime_api.h>
#include <cudnn.h>

#include <stdexcept>
#include <string>

namespace eb::gpu {

class GpuError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Each throws GpuError unless `status` is success; `call` is the source text of the call.
void check(cudaError_t status, const char* call);
void check(cublasStatus_t status, const char* call);
void check(cudnnStatus_t status, const char* call);

// Checks that the kernel launch just made on this thread was accepted (bad launch
// configuration, no kernel image for this GPU, ...). Execution errors surface later, at
// the run's synchronisation.
void check_launch(const char* kernel);

}  // namespace eb::gpu

#define EB_GPU_CHECK(call) ::eb::gpu::check((call), #call)
