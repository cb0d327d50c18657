// Energy of a device whose time and power are both modeled — a simulated FPGA board or
// Edge TPU, run with `--power model`. The power model's watts for each run are integrated
// over that run's modeled device time, the runs laid end to end: energy = Σ Pᵢ·tᵢ. The
// host's wall time of the simulation says nothing about the device and is not used.
//
// The record has the same shape as a measured one (energy_record.h) with one source,
// "model", provenance modeled; its window is the modeled time (clock kModeledDeviceClock),
// and an idle baseline, when asked for, is the model's idle power.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "bench/power/energy_record.h"

namespace eb::bench {

inline constexpr const char* kModeledDeviceClock =
    "modeled device time (the backend's timing model; runs laid end to end from 0)";

// `watts` and `device_ns` have one entry per timed run (same length, each time > 0);
// `inferences` counts all of them (runs × batch). Throws std::invalid_argument on empty or
// mismatched series, or a negative or non-finite value.
EnergyRecord modeled_energy_record(std::span<const double> watts, std::span<const double> device_ns,
                                   std::int64_t inferences, const PowerProvenance& provenance,
                                   std::optional<double> idle_watts);

}  // namespace eb::bench
