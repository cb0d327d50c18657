// Every `--backend-option edgetpu.*` setting, declared with its type, default and range (the
// defaults are those of TpuParams, CalibrationSettings and DeviceRunnerOptions). The backend
// reads them through the framework's parse (Backend::resolved_options), never the strings.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "backends/edgetpu/calibration.h"
#include "core/backend_options.h"

namespace eb::edgetpu {

std::vector<OptionSpec> edgetpu_options();

// The three calibration settings (edgetpu.calibration, .seed, .range), part of
// edgetpu_options(): the cpu backend's int8 graph reads them too, so that both quantise alike.
std::vector<OptionSpec> calibration_option_specs();
// CalibrationSettings::from over those declarations and `extra` (the edgetpu.* keys given
// to another backend's job). Throws std::invalid_argument for a value that is not valid.
CalibrationSettings calibration_settings(const std::map<std::string, std::string>& extra);

}  // namespace eb::edgetpu
