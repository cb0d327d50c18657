// `model`: a backend's documented power model, for hardware that is not present (the
// Edge TPU and FPGA board models, the CPU TDP model when RAPL cannot be read).
//
// Its samples are provenance `modeled`, named with the model and its parameters, and
// everything derived from them stays modeled (power_source.h: combine). The model gives
// the power of a phase (idle or busy), so the source needs only two samples — at the
// phase's start and at its stop — and costs nothing while the phase runs.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "bench/power/power_source.h"

namespace eb::bench {

struct PowerModel {
  std::string name;  // the model's description, e.g. "tdp-linear(tdp=120W/socket, ...)"
  nlohmann::json parameters = nlohmann::json::object();
  std::function<double(PowerPhase)> watts;  // must be >= 0 and finite
};

// One channel named "model", or the reason it is unavailable (no model, or a model that
// answers with a negative or non-finite power).
PowerDiscovery discover_model(const std::optional<PowerModel>& model);

}  // namespace eb::bench
