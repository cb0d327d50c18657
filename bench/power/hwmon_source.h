// `hwmon`: Linux hwmon power and energy inputs (/sys/class/hwmon/hwmonN/): board and
// accelerator sensors such as Jetson's INA3221 rail monitors, amdgpu, INA2xx.
//
// Channels, per chip:
//   energyN_input  µJ, a counter (no wrap range is published: a decrease is an error)
//   powerN_input   µW, instantaneous; powerN_average (µW) when a channel has no _input
//   inN_input × currN_input (mV × mA) for `ina3221`, whose mainline driver publishes rail
//                  voltage and current but no power; the two reads are not atomic, so a
//                  change between them skews that one sample (by at most one update)
// An energy and a power channel with the same label measure the same rail: the counter is
// kept and the power channel reported as not used.
// Attributes are looked for in hwmonN/ and, for older drivers, in hwmonN/device/.
//
// Names: "hwmon:<chip>:<label>" (label from *_label, else the attribute stem, "power1");
// when two chips share a name, the hwmon folder is appended ("hwmon:ina3221:VDD_IN@hwmon3").
//
// Counted in the total (PowerSourceInfo::in_total) — rails inside a board input are not
// counted twice: when a chip has channels whose label ends in "_IN" (Jetson "VDD_IN",
// "POM_5V_IN": the board's input), only those are counted; otherwise every channel of the
// chip is. All channels are still sampled and reported on their own.
// Scope: a board input, and `acpi_power_meter` (a server's whole-system input power), are
// whole-system channels (selection.h then leaves component channels out of the total).
// Mirrors: `amd_energy`, `zenergy` and `zenpower` repeat the CPU's RAPL-type counters or
// rails inside the package; they are marked as mirroring "rapl".
//
// Update period: the chip's `update_interval` (ms) when it has one, else powerN_average_interval
// (ms) for averaged channels, else estimated from the samples.
#pragma once

#include <filesystem>

#include "bench/power/power_source.h"

namespace eb::bench {

struct HwmonOptions {
  std::filesystem::path root = "/sys/class/hwmon";
};

PowerDiscovery discover_hwmon(const HwmonOptions& options = {});

}  // namespace eb::bench
