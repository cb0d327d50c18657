// `rapl`: CPU package energy from the Linux powercap interface
// (/sys/class/powercap/<zone>/energy_uj), Intel's RAPL and AMD's equivalent (the kernel
// exposes AMD Zen packages under the same "intel-rapl" control type and zone names).
//
// Which zones are counted — each CPU package once, nothing twice:
//   * Only top-level zones named "package-N" are used: `intel-rapl:N` (MSR interface).
//   * `intel-rapl-mmio:N` is the same package read through MMIO; it is used only for a
//     package whose MSR zone is absent or unreadable.
//   * Subzones (`intel-rapl:N:M`: core, uncore, dram) are never used: core and uncore are
//     inside the package's energy, and dram — though measured apart on servers — is not
//     CPU package energy, so the figure stays what its name says.
//   * `psys` (platform, top-level on client parts) is not used: it contains the packages.
// Every zone left out is reported in PowerDiscovery::unavailable with the rule that left it
// out, so the record shows what exists on the host.
//
// Wraparound: energy_uj counts up to max_energy_range_uj and restarts at 0; the source
// reports counter_range_j from that file, and integration adds one range when a reading is
// below the previous one. Only one wrap per sampling interval can be detected — a package
// at 250 W wraps a 262 kJ range every ~17 minutes, so at any sane period it cannot wrap
// twice between two reads.
//
// Update period: the hardware updates the energy status about every 1 ms (Intel SDM,
// "Package RAPL Domain": ~976 µs); that figure is used for the short-window warning.
#pragma once

#include <filesystem>

#include "bench/power/power_source.h"

namespace eb::bench {

struct RaplOptions {
  std::filesystem::path root = "/sys/class/powercap";
};

PowerDiscovery discover_rapl(const RaplOptions& options = {});

}  // namespace eb::bench
