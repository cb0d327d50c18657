// Descriptions of the CUDA device and libraries, for probe(), Executable::info() and
// result records.
#pragma once

#include <string>

namespace eb::gpu {

// "NVIDIA H200 (sm_90, 139.8 GiB, 132 SMs)"; throws GpuError when the device is unusable.
std::string device_description(int device);
// "CUDA runtime 13.0, driver 13.0, cuBLAS 13.0.0, cuDNN 9.19.0" (what is loaded now).
std::string library_versions();
}  // namespace eb::gpu
