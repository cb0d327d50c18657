#include "backends/gpu/context.h"

namespace eb::gpu {
namespace {

// cuBLAS's own recommendation for Hopper (smaller GPUs need less; 32 MiB is negligible).
constexpr std::size_t kBlasWorkspaceBytes = std::size_t{32} << 20;

}  // namespace

GpuContext::GpuContext(const GpuOptions& options) : options_(options), dtype_(storage_dtype(options.precision)) {
  make_current();
  stream_ = make_stream();
  blas_workspace_ = DeviceBuffer(kBlasWorkspaceBytes);
  blas_ = make_blas();
  blas_lt_ = make_blas_lt();
  dnn_ = make_dnn();
  EB_GPU_CHECK(cublasSetStream(blas_.get(), stream_.get()));
  // A workspace of our own means cuBLAS never allocates while a CUDA graph is captured.
  EB_GPU_CHECK(cublasSetWorkspace(blas_.get(), blas_workspace_.data(), blas_workspace_.bytes()));
  // The compute type of each call decides TF32 (see blas_compute_type); the handle's mode
  // must not upgrade CUBLAS_COMPUTE_32F behind our back.
  EB_GPU_CHECK(cublasSetMathMode(blas_.get(), CUBLAS_DEFAULT_MATH));
  EB_GPU_CHECK(cudnnSetStream(dnn_.get(), stream_.get()));
}


void GpuContext::make_current() const { EB_GPU_CHECK(cudaSetDevice(options_.device)); }

}  // namespace eb::gpu
