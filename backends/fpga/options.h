// Every `--backend-option fpga.*` setting, declared with its type, default and range (the
// defaults are those of CycleModelParams, BoardPowerParams and PixelOptions).
#pragma once

#include <vector>

#include "core/backend_options.h"

namespace eb::fpga {

std::vector<OptionSpec> fpga_options();

}  // namespace eb::fpga
