// `--power auto|none|SOURCE[,SOURCE]`: which power sources a run samples.
//
//   none             no power measurement
//   auto             every available measured source: rapl, nvml, xrt, hwmon (a missing
//                    one is listed with its reason, not an error)
//   rapl | nvml | xrt | hwmon | model
//                    that source; an error if it yields no channel (the reasons are given)
//   meter=PATH       an external meter's log file, host-monotonic seconds (meter_source.h)
//   meter-unix=PATH  the same with unix-time seconds
//   meter-cmd=CMD    an external meter's streaming command; it takes the rest of the spec,
//                    commas included, so it must come last
// Items combine: "auto,meter=usb.csv", "model". `model` is never part of `auto` (it is not
// a measurement) and must be asked for. An item named twice, or `none` with anything else,
// is an error.
//
// The total across kinds (PowerSourceInfo::in_total), so that no energy is counted twice:
//   * a whole-system channel (scope system: a server's ACPI power meter, a Jetson board
//     input) contains every component: when one is selected, component channels stay in
//     the record but leave the total;
//   * a channel that mirrors another kind (hwmon amd_energy mirrors rapl) leaves the total
//     when a channel of that kind is selected.
// An external meter is taken to measure one device (a USB meter on an Edge TPU), so it is
// a component; a wall meter measuring the whole machine should be selected on its own.
// Each such decision is written to PowerSelection::notes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bench/power/hwmon_source.h"
#include "bench/power/model_source.h"
#include "bench/power/nvml_source.h"
#include "bench/power/power_source.h"
#include "bench/power/rapl_source.h"
#include "bench/power/xrt_source.h"

namespace eb::bench {

struct PowerSpecItem {
  std::string name;      // "auto", "rapl", ..., "meter", "meter-unix", "meter-cmd"
  std::string argument;  // after '=' (meter items), else empty
  friend bool operator==(const PowerSpecItem&, const PowerSpecItem&) = default;
};

// The items of a spec, in order; empty for "none". Throws std::invalid_argument on an
// unknown item, a missing or unexpected argument, a repeated item, or "none" combined.
std::vector<PowerSpecItem> parse_power_spec(std::string_view spec);

// Where each kind of source is looked for, and what the backend offers. Tests point the
// roots at fake sysfs trees.
struct PowerEnvironment {
  RaplOptions rapl;
  HwmonOptions hwmon;
  NvmlOptions nvml;
  std::optional<XrtBoard> xrt;       // from the fpga backend's XRT runner, when built
  std::optional<PowerModel> model;   // from the backend under test, when it has one
};

struct PowerSelection {
  std::string spec;
  std::vector<std::unique_ptr<PowerSource>> sources;  // channels, each with a unique name
  std::vector<PowerUnavailable> unavailable;          // everything looked for and not used, with why
  std::vector<std::string> notes;                     // channels taken out of the total across kinds, and why
};

// Parses `spec` and discovers its sources. Throws std::invalid_argument for a bad spec and
// std::runtime_error when a source named explicitly (not through auto) yields no channel.
PowerSelection select_power_sources(std::string_view spec, const PowerEnvironment& env);

}  // namespace eb::bench
