// A power source: one sensor channel (a RAPL package, a GPU, a board rail, an external
// meter) or one power model, behind one interface. The harness samples every source on
// its own thread (bench/power/sampler.h) and turns the samples into energy
// (bench/power/integrate.h, bench/power/energy_record.h).
//
// Two kinds of channel:
//   counter — the sensor accumulates energy; a sample is the counter in joules, and the
//             energy of a window is a difference (wraparound handled with counter_range_j);
//   power   — the sensor reports instantaneous (or short-average) power; a sample is in
//             watts, and the energy of a window is a sum of timestamped trapezoids.
//
// Sources are created by discovery functions (one per kind: rapl_source.h, hwmon_source.h,
// ...) that return the channels they found and, for each one they could not use, the
// reason — the record keeps both, so "no energy" always comes with a "why".
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/provenance.h"

namespace eb::bench {

// One reading, timestamped with std::chrono::steady_clock (ns since its epoch), the clock
// every host-side figure in edgebench is taken with. The unit is the source's (joules for
// a counter, watts for power): each source has exactly one unit, so it is kept once, on
// the source, rather than in every sample (which also keeps a sample at 16 bytes).
struct PowerSample {
  std::int64_t t_ns = 0;
  double value = 0;
  friend bool operator==(const PowerSample&, const PowerSample&) = default;
};

enum class PowerKind : std::uint8_t {
  counter,  // cumulative energy, J
  power,    // instantaneous power, W
};
std::string_view power_kind_name(PowerKind k);  // "counter" | "power"
std::string_view power_kind_unit(PowerKind k);  // "J" | "W"

// Provenance of power figures: eb::Provenance plus the parameters that make it repeatable
// — for a sensor, where it was read (a sysfs path, an NVML device); for a model, the
// model's parameters. Serialised as {kind, source, parameters}.
struct PowerProvenance {
  Provenance base;
  nlohmann::json parameters = nlohmann::json::object();

  static PowerProvenance measured(std::string sensor, nlohmann::json parameters = nlohmann::json::object());
  static PowerProvenance modeled(std::string model, nlohmann::json parameters = nlohmann::json::object());
  bool is_measured() const { return base.kind == Provenance::Kind::measured; }
  friend bool operator==(const PowerProvenance&, const PowerProvenance&) = default;
};

// The provenance of a figure derived from several inputs (a total over sources, net =
// gross − idle): measured only if every input is measured; otherwise modeled, naming every
// input. Nothing derived from a model can therefore come out as measured.
// `source` is the inputs' sources joined with " + " (duplicates once); `parameters` maps
// each input's source to its parameters. Throws std::invalid_argument on an empty list.
PowerProvenance combine(const std::vector<PowerProvenance>& inputs);

// What the harness knows about a source before it samples it.
struct PowerSourceInfo {
  std::string name;  // unique in a run: "rapl:package-0", "nvml:0", "hwmon:ina3221:VDD_IN", "meter", "model"
  PowerKind kind = PowerKind::power;
  PowerProvenance provenance;
  // How often the sensor itself produces a new value, when the sensor or its documentation
  // says so; otherwise estimated from the samples (integrate.h: estimate_update_period).
  std::optional<std::chrono::nanoseconds> update_period;
  // Counters: the value (J) at which the counter wraps back to 0; 0 when it does not wrap
  // (a decrease is then an error, e.g. a driver reload reset it).
  double counter_range_j = 0;
  // Whether this channel's energy is added into the run's total. False for channels that
  // another selected channel already contains (a board rail under the board input), so
  // that nothing is counted twice. Discovery sets it for channels of one kind (each
  // discovery function documents its rule); selection (selection.h) then applies the
  // rules across kinds, using `scope` and `mirrors`.
  bool in_total = true;
  // What the channel measures: one device or rail (a CPU package, a GPU, a board rail), or
  // the whole machine (a server's ACPI power meter, a Jetson's board input), which
  // contains every component channel.
  enum class Scope : std::uint8_t { component, system };
  Scope scope = Scope::component;
  // The kind of source whose energy this channel repeats ("rapl" for hwmon's amd_energy),
  // or empty. Counted only when no channel of that kind is selected.
  std::string mirrors;
};

// Why a source that was looked for cannot be used ("rapl:package-0", "cannot read ...:
// Permission denied"). Kept in the record.
struct PowerUnavailable {
  std::string source;
  std::string reason;
  friend bool operator==(const PowerUnavailable&, const PowerUnavailable&) = default;
};

// The phase the sampler is started for. Sensors ignore it; a power model answers with
// the power of that phase.
enum class PowerPhase : std::uint8_t { idle, busy };
std::string_view power_phase_name(PowerPhase p);  // "idle" | "busy"

// Now on the power clock (std::chrono::steady_clock), in ns since its epoch.
inline std::int64_t power_clock_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Where a source's samples and errors go while the sampler runs it. Owned by the sampler's
// thread for that source and read only after the thread has been joined, so it needs no
// lock. The sampler's start() waits until every source is ready — has a first sample, has
// failed, or has said ready() — so that the phase it measures is covered from its start.
class PowerSink {
 public:
  static constexpr std::size_t kMaxErrors = 16;  // the rest are counted, not kept

  explicit PowerSink(std::function<void()> on_ready = {}) : on_ready_(std::move(on_ready)) {}
  void push(PowerSample s) {
    samples_.push_back(s);
    ready();
  }
  void fail(std::string error) {
    if (errors_.size() < kMaxErrors) errors_.push_back(std::move(error));
    ++failures_;
    ready();
  }
  // For a source whose samples come later (a log read at the end of the phase).
  void ready() {
    if (on_ready_) std::exchange(on_ready_, {})();
  }
  void reserve(std::size_t n) { samples_.reserve(n); }

  std::vector<PowerSample>& samples() { return samples_; }
  const std::vector<PowerSample>& samples() const { return samples_; }
  const std::vector<std::string>& errors() const { return errors_; }
  std::int64_t failures() const { return failures_; }

 private:
  std::function<void()> on_ready_;
  std::vector<PowerSample> samples_;
  std::vector<std::string> errors_;
  std::int64_t failures_ = 0;
};

// A value read from a polled source, or why the read failed.
struct PowerReading {
  double value = 0;
  std::string error;  // empty on success
  bool ok() const { return error.empty(); }
  static PowerReading failed(std::string why) { return {0, std::move(why)}; }
};

class PowerSource {
 public:
  explicit PowerSource(PowerSourceInfo info) : info_(std::move(info)) {}
  virtual ~PowerSource() = default;
  PowerSource(const PowerSource&) = delete;
  PowerSource& operator=(const PowerSource&) = delete;

  const PowerSourceInfo& info() const { return info_; }
  // The selection's rules across kinds (selection.h) take a channel out of the total; the
  // rest of a source's description is fixed at discovery.
  void leave_total() { info_.in_total = false; }

  // Most sources are polled: the sampler calls read() every period from this source's own
  // thread, and timestamps the value itself (the midpoint of the call), so every source is
  // on the same clock. read() should be cheap (an open file descriptor, a loaded library).
  virtual bool polled() const { return true; }
  virtual PowerReading read() { return PowerReading::failed("not a polled source"); }

  // Sources whose samples arrive on their own (an external meter's stream, a log file read
  // at the end, a model that only needs the phase's start and end) are streamed instead:
  // the sampler hands them this thread, and they push samples (timestamped on the steady
  // clock) until `stop` is requested, then return promptly.
  virtual void stream(PowerSink& sink, std::stop_token stop, PowerPhase phase) {
    (void)sink;
    (void)stop;
    (void)phase;
  }

 private:
  PowerSourceInfo info_;
};

// What a discovery function found: the usable channels, and the reasons for the others.
struct PowerDiscovery {
  std::vector<std::unique_ptr<PowerSource>> sources;
  std::vector<PowerUnavailable> unavailable;
};

}  // namespace eb::bench
