// Every `--backend-option edgetpu.*` setting, declared with its type, default and range (the
// defaults are those of TpuParams, CalibrationSettings and DeviceRunnerOptions).
#pragma once

#include <vector>

#include "core/backend_options.h"

namespace eb::edgetpu {

std::vector<OptionSpec> edgetpu_options();

}  // namespace eb::edgetpu
