// MobileDet SSDLite detectors (CPU, EdgeTPU, DSP, GPU backbone variants).
#pragma once

#include <memory>
#include <vector>

#include "models/workload.h"

namespace eb::mobiledet {

// The workloads "mobiledet-cpu", "mobiledet-edgetpu", "mobiledet-dsp", "mobiledet-gpu".
std::vector<std::unique_ptr<Workload>> make_workloads();

}  // namespace eb::mobiledet
