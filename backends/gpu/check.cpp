#include "backends/gpu/check.h"

#include <array>

namespace eb::gpu {
namespace {

[[noreturn]] void fail(const char* call, const std::string& what) {
  throw GpuError(std::string(call) + " failed: " + what);
}

}  // namespace

void check(cudaError_t status, const char* call) {
  if (status == cudaSuccess) return;
  fail(call, std::string(cudaGetErrorName(status)) + " (" + cudaGetErrorString(status) + ")");
}

void check(cublasStatus_t status, const char* call) {
  if (status == CUBLAS_STATUS_SUCCESS) return;
  fail(call, std::string(cublasGetStatusName(status)) + " (" + cublasGetStatusString(status) + ")");
}

void check(cudnnStatus_t status, const char* call) {
  if (status == CUDNN_STATUS_SUCCESS) return;
  // cuDNN 9 keeps a more specific message for the last error on this thread.
  std::array<char, 512> detail{};
  cudnnGetLastErrorString(detail.data(), detail.size());
  std::string what = cudnnGetErrorString(status);
  if (detail[0] != '\0') what += " (" + std::string(detail.data()) + ")";
  fail(call, what);
}

void check_launch(const char* kernel) {
  const cudaError_t status = cudaGetLastError();
  if (status == cudaSuccess) return;
  fail((std::string("launch of ") + kernel).c_str(),
       std::string(cudaGetErrorName(status)) + " (" + cudaGetErrorString(status) + ")");
}

}  // namespace eb::gpu
