// `meter`: an external power meter, for devices with no sensor of their own (the Edge TPU
// has none) — a wall-plug or USB meter logging watts. Two ways in, same line format
// (meter_csv.h):
//
// A log file ("meter=PATH"), written by the meter's logger while the benchmark runs and
// read when the sampler stops. Its timestamps must be on a clock edgebench can map:
//   MeterClock::monotonic  seconds of the host's CLOCK_MONOTONIC — the clock of
//                          std::chrono::steady_clock, and of Python's time.monotonic() on
//                          Linux — used as they are (the default);
//   MeterClock::unix_time  seconds since 1970 ("meter-unix=PATH"); mapped with the offset
//                          between system_clock and steady_clock read when the log is read
//                          (an NTP step during the run would shift it: prefer monotonic).
// Only the samples of the phase, plus one on each side for interpolation, are kept.
//
// A command ("meter-cmd=COMMAND"), run with /bin/sh -c in its own process group for the
// length of each phase, printing one line per reading. Lines are timestamped on receipt
// with the steady clock — a meter's own clock is not the host's, and a timestamp column, if
// present, is only checked (it must not go backwards). The command must flush every line
// (python -u, stdbuf -oL); lines that arrive in one read share its timestamp. The sampler
// waits for the first line before the phase starts, and at stop waits up to
// `drain_timeout` for one more line so the phase's end is covered; the process group is
// then sent SIGTERM (SIGKILL after 1 s) and reaped.
// A bad line rejects the source (its errors name the lines), as a bad log file does.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include "bench/power/power_source.h"

namespace eb::bench {

enum class MeterClock : std::uint8_t { monotonic, unix_time };

struct MeterLogOptions {
  std::filesystem::path path;
  MeterClock clock = MeterClock::monotonic;
};

struct MeterCommandOptions {
  std::string command;
  std::chrono::milliseconds drain_timeout{2000};
};

// One channel "meter" reading the log at the end of each phase; unavailable when the file
// does not exist (the logger must be running before the benchmark starts).
PowerDiscovery discover_meter_log(const MeterLogOptions& options);

// One channel "meter-cmd"; unavailable when the command is empty.
PowerDiscovery discover_meter_command(const MeterCommandOptions& options);

}  // namespace eb::bench
