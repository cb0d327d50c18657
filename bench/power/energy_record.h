// Energy figures of a measured phase: gross, idle and net energy, each kept, and what is
// derived from them — mean power, millijoules per inference, inferences per joule.
//
//   gross  the energy the sources report over the window [t0, t1]
//   idle   the idle baseline's mean power (measured on the same sources, with nothing
//          running: bench/job.cpp samples it, then idle_baseline) × the window's duration
//   net    gross − idle: what running the workload added
// Per source, and a total over the sources counted in the total (PowerSourceInfo::in_total).
// The total is given only when every counted source could be integrated (a total missing
// a part would be a wrong number, not a smaller one); likewise the idle and net totals
// need a baseline for every counted source.
//
// Every figure carries provenance: a source's figures have the source's; a total combines
// its sources' (power_source.h: combine), so a total that includes a model is modeled.
//
// Warnings (kept in the record): a window shorter than 10 update periods of a source (its
// sensor cannot resolve it); failed reads; negative net energy (a baseline above the phase:
// noise, or an idle state that changed).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bench/power/power_source.h"
#include "bench/power/sampler.h"

namespace eb::bench {

struct EnergyWindow {
  std::int64_t t0_ns = 0;  // power clock (power_clock_ns)
  std::int64_t t1_ns = 0;
  double seconds() const { return static_cast<double>(t1_ns - t0_ns) * 1e-9; }
};

// The window every source of a trace covers: from the latest first sample to the earliest
// last sample. t1 < t0 when the sources do not overlap, or no source has samples.
EnergyWindow covered_window(const PowerTrace& trace);

// A number with its unit and where it came from.
struct EnergyFigure {
  double value = 0;
  std::string unit;  // "J", "W", "mJ/inference", "inferences/J"
  PowerProvenance provenance;
};

struct IdleBaseline {
  struct Source {
    std::string name;
    std::optional<double> mean_w;  // nullopt when it could not be measured (then `error` says why)
    double seconds = 0;            // the span it was averaged over
    PowerProvenance provenance;
    std::string error;
  };
  double seconds = 0;  // how long the baseline ran
  std::vector<Source> sources;
  std::vector<std::string> warnings;

  const Source* find(const std::string& name) const;
};

// The baseline from a trace taken with nothing running: each source's mean power over the
// idle window [start_ns, stop_ns] when its samples cover it, else over the span they cover.
IdleBaseline idle_baseline(const PowerTrace& idle_trace);


struct SourceEnergy {
  std::string name;
  PowerKind kind = PowerKind::power;
  bool in_total = true;
  PowerProvenance provenance;
  std::string method;  // "counter difference" | "trapezoids"
  std::size_t samples_in_window = 0;
  std::optional<std::chrono::nanoseconds> update_period = std::nullopt;
  bool update_period_estimated = false;  // from the samples, not the sensor's documentation
  std::optional<double> gross_j = std::nullopt;  // nullopt when it could not be integrated (then `error`)
  std::optional<double> idle_w = std::nullopt;   // the baseline's mean power, when one was measured for this source
  std::optional<double> idle_j = std::nullopt;
  std::optional<double> net_j = std::nullopt;
  std::vector<std::string> warnings = {};
  std::string error = {};
};

struct EnergyTotals {
  EnergyFigure gross_j;
  EnergyFigure mean_w;  // gross / duration
  std::optional<EnergyFigure> gross_mj_per_inference;
  std::optional<EnergyFigure> inferences_per_gross_j;
  // With an idle baseline:
  std::optional<EnergyFigure> idle_j;
  std::optional<EnergyFigure> idle_mean_w;
  std::optional<EnergyFigure> net_j;
  std::optional<EnergyFigure> net_mean_w;
  std::optional<EnergyFigure> net_mj_per_inference;
  std::optional<EnergyFigure> inferences_per_net_j;
};

struct EnergyRecord {
  EnergyWindow window;
  std::string clock = "std::chrono::steady_clock";  // what the window's times are on (modeled_energy.h has the other)
  std::int64_t inferences = 0;  // completed in the window (runs × batch)
  std::vector<SourceEnergy> sources;
  std::optional<EnergyTotals> totals;  // nullopt when no counted source, or one could not be integrated
  std::optional<IdleBaseline> idle;
  std::vector<std::string> warnings;
  std::vector<PowerUnavailable> unavailable;  // not filled here: the caller copies the selection's
};

// The record of `trace` over `window` (which the trace must cover: take t0 after start()
// and t1 before stop()). `inferences` may be 0 (no per-inference figures). `idle` may be
// null (no idle or net figures).
EnergyRecord make_energy_record(const PowerTrace& trace, EnergyWindow window, std::int64_t inferences,
                                const IdleBaseline* idle = nullptr);

// The warning threshold: a window should span at least this many sensor updates.
inline constexpr int kMinUpdatesPerWindow = 10;

}  // namespace eb::bench
