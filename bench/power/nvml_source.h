// `nvml`: NVIDIA GPU energy through NVML, loaded at run time with dlopen — edgebench has
// no build dependency on the driver, and a host without one simply reports why.
//
// One channel per GPU ("nvml:0", ...):
//   counter — nvmlDeviceGetTotalEnergyConsumption (mJ since the driver loaded; Volta and
//             newer). It does not wrap (64-bit); a decrease (driver reload) is an error.
//   power   — nvmlDeviceGetPowerUsage (mW) on older GPUs. Its value is the board's own
//             average over a window the driver chooses (about 1 s on many boards), so short
//             windows integrate a lagging figure; the record's update-period warning says so.
// The update period is not published by NVML; it is estimated from the samples.
#pragma once

#include <string>

#include "bench/power/power_source.h"

namespace eb::bench {

struct NvmlOptions {
  std::string library = "libnvidia-ml.so.1";  // the soname the driver installs
};

PowerDiscovery discover_nvml(const NvmlOptions& options = {});

}  // namespace eb::bench
