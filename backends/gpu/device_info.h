// Descriptions of the CUDA device and libraries, for probe(), Executable::info() and
// result records.
#pragma once

#include <string>

namespace eb::gpu {

// "NVIDIA H200 (sm_90, 139.8 GiB, 132 SMs)"; throws GpuError when the device is unusable.
std::string device_description(int device);
// "CUDA runtime 13.0, driver 13.0, cuBLAS 13.0.0, cuDNN 9.19.0" (what is loaded now).
std::string library_versions();
// The PCI bus id of a CUDA device ("0000:65:00.0"), which NVML accepts to find the same
// GPU (NVML's indices need not follow CUDA's). Throws GpuError.
std::string pci_bus_id(int device);

}  // namespace eb::gpu
