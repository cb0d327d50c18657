#include "backends/gpu/device_info.h"

#include <cublasLt.h>
#include <cublas_v2.h>
#include <cuda_runtime_api.h>
#include <cudnn.h>

#include <array>
#include <cstdio>

#include "backends/gpu/check.h"

namespace eb::gpu {
namespace {

std::string dotted(int v, int major_div, int minor_div, int minor_mod) {
  return std::to_string(v / major_div) + "." + std::to_string(v / minor_div % minor_mod);
}

}  // namespace

std::string device_description(int device) {
  cudaDeviceProp p{};
  EB_GPU_CHECK(cudaGetDeviceProperties(&p, device));
  std::array<char, 32> mem{};
  std::snprintf(mem.data(), mem.size(), "%.1f GiB", static_cast<double>(p.totalGlobalMem) / (1024.0 * 1024.0 * 1024.0));
  return std::string(p.name) + " (sm_" + std::to_string(p.major) + std::to_string(p.minor) + ", " + mem.data() + ", " +
         std::to_string(p.multiProcessorCount) + " SMs)";
}

std::string library_versions() {
  int runtime = 0, driver = 0;
  (void)cudaRuntimeGetVersion(&runtime);
  (void)cudaDriverGetVersion(&driver);
  const std::size_t dnn = cudnnGetVersion();  // major·10000 + minor·100 + patch in cuDNN 9
  const std::size_t lt = cublasLtGetVersion();
  std::string s = "CUDA runtime " + dotted(runtime, 1000, 10, 100);
  s += ", driver " + (driver > 0 ? dotted(driver, 1000, 10, 100) : std::string("none"));
  s += ", cuBLASLt " + std::to_string(lt / 10000) + "." + std::to_string(lt / 100 % 100) + "." + std::to_string(lt % 100);
  s += ", cuDNN " + std::to_string(dnn / 10000) + "." + std::to_string(dnn / 100 % 100) + "." + std::to_string(dnn % 100);
  return s;
}

}  // namespace eb::gpu
