#include "backends/gpu/gpu_backend.h"

#include <cuda_runtime_api.h>
#include <cudnn.h>

#include "backends/gpu/device_info.h"
#include "backends/gpu/executable.h"
#include "backends/gpu/kernels.h"
#include "backends/gpu/support.h"

namespace eb {
namespace {

class GpuBackend final : public Backend {
 public:
  std::string_view name() const override { return "gpu"; }
  std::string_view description() const override {
    return "NVIDIA GPU: cuDNN convolutions, cuBLAS(Lt) matrix products, CUDA kernels, CUDA graphs, CUDA-event timing, "
           "NVML power; fp32 (TF32 only with gpu.tf32=1), fp16, bf16";
  }

  Probe probe() const override {
    int count = 0;
    // Without a driver (or libcuda) the runtime reports it here rather than failing to load.
    if (const cudaError_t e = cudaGetDeviceCount(&count); e != cudaSuccess) {
      (void)cudaGetLastError();
      return {false, std::string("no CUDA device: ") + cudaGetErrorString(e), ""};
    }
    if (count == 0) return {false, "no CUDA device: the driver reports none", ""};
    Probe p;
    try {
      p.device = gpu::device_description(0);
      if (count > 1) p.device += " (+" + std::to_string(count - 1) + " more)";
      p.device += "; " + gpu::library_versions();
    } catch (const std::exception& e) {
      return {false, std::string("no usable CUDA device: ") + e.what(), ""};
    }
    if (cudnnGetVersion() < 90000) return {false, "cuDNN 9 is required", p.device};
    // This build carries code for the architectures in CMAKE_CUDA_ARCHITECTURES (and PTX of
    // the newest); an older GPU has nothing it can run.
    if (const cudaError_t e = gpu::kernels::probe_kernel_image(); e != cudaSuccess) {
      (void)cudaGetLastError();
      return {false, std::string("no kernel image for this GPU: ") + cudaGetErrorString(e), p.device};
    }
    p.available = true;
    return p;
  }

  std::vector<Precision> precisions() const override { return {Precision::fp32, Precision::fp16, Precision::bf16}; }

  std::vector<OptionSpec> options() const override { return gpu::gpu_options(); }

  std::string unsupported_reason(const Graph& graph, const Node& node, const CompileOptions& options) const override {
    return gpu::unsupported_reason(graph, node, options);
  }

  std::unique_ptr<Executable> compile(const Graph& graph, const Weights& weights,
                                      const CompileOptions& options) const override {
    return std::make_unique<gpu::GpuExecutable>(graph, weights, gpu::GpuOptions::from(options.precision, resolved_options(options)));
  }
};

}  // namespace

std::unique_ptr<Backend> make_gpu_backend() { return std::make_unique<GpuBackend>(); }

}  // namespace eb
