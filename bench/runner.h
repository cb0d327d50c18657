// The runner: compiles a graph for a backend (with the reference fallback for nodes it
// does not support), then issues queries and times each with the host's steady clock.
// Every sample is kept; statistics are computed from them later (latency_stats.h).
//
// Order of runs after compilation (scenario.h has the vocabulary and the stop rule):
//   1 first inference (cold: caches, lazy allocation, JIT) on sample 0 — recorded on its own
//   warm-up (a count or a duration), discarded
//   timed phase, until the stop rule says stop or the run is interrupted — the samples
//
// Inputs come from a pool of seeded samples (SamplePool); queries take them in a seeded
// order (SampleOrder) so that no backend is timed on one cached input only, and the same
// seed gives the same order everywhere.
//
// Two interfaces to the same sequence: measure() runs it whole (with fixed counts, from
// MeasureSettings::fixed, for tools and tests, or the CLI's stop rule), and TimedPhase
// issues one query per step() so that a caller can interleave several backends
// (--interleave) or hold a power sampler around the phase.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bench/host_load.h"
#include "bench/scenario.h"
#include "core/backend.h"
#include "core/partition.h"
#include "core/rng.h"

namespace eb::bench {

// Everything the timed phase needs to know (the CLI's flags).
struct MeasureSettings {
  Scenario scenario = Scenario::single_stream;
  WarmupSpec warmup = WarmupSpec::queries(3);
  StopRule stop;
  bool iterations_shorthand = false;  // the rule came from --iterations N (recorded as such)
  std::uint64_t order_seed = 0;       // seed of the sample order
  int profile_runs = 0;               // > 0: per-node profile from this many runs after the timed phase
  std::chrono::nanoseconds progress_interval = std::chrono::milliseconds(250);
  // The figure asked for is a whole system's (a device and the host fallback it needs, set
  // beside a published per-frame time): most of the work on the host is then noted, not
  // judged, when the record labels the host's measured part apart from the device's.
  bool whole_system = false;

  // Fixed counts: first inference, `warmup` untimed queries, `iterations` timed queries
  // (measure() throws std::invalid_argument when iterations < 1 or warmup < 0).
  static MeasureSettings fixed(std::int64_t warmup, std::int64_t iterations) {
    MeasureSettings m;
    m.warmup = WarmupSpec::queries(warmup);
    m.stop = StopRule::fixed(iterations);
    m.iterations_shorthand = true;
    return m;
  }
};

struct CompiledModel {
  std::unique_ptr<Executable> executable;
  PartitionPlan plan;
  std::int64_t compile_ns = 0;  // steady_clock, partitioning and every partition's compile
  std::map<std::string, std::string> info;  // Executable::info(): choices the backend made
};

// The inputs of every sample; sample 0 is the job's own seeded inputs.
struct SamplePool {
  std::vector<std::vector<Tensor>> samples;
  std::vector<std::uint64_t> seeds;  // the input seed of each sample
  std::size_t size() const { return samples.size(); }
  // A pool of one sample: every query runs these inputs.
  static SamplePool single(std::vector<Tensor> inputs, std::uint64_t seed = 0) {
    SamplePool p;
    p.samples.push_back(std::move(inputs));
    p.seeds.push_back(seed);
    return p;
  }
};

// Seeded sample order: the pool is shuffled (Fisher–Yates on eb::Rng) once per pass, so
// every sample is used equally often and the order is the same on every machine.
class SampleOrder {
 public:
  SampleOrder(std::size_t pool_size, std::uint64_t seed);
  std::uint32_t next();

 private:
  void shuffle();
  Rng rng_;
  std::vector<std::uint32_t> perm_;
  std::size_t pos_ = 0;
};

// What the caller sees while the timed phase runs (for a progress line).
struct ProgressSnapshot {
  std::int64_t queries = 0;
  std::chrono::nanoseconds elapsed{0};
  double p50_ns = 0;  // of the samples so far
};

struct Timings {
  std::int64_t first_inference_ns = 0;
  std::int64_t warmup_queries = 0;
  std::int64_t warmup_ns = 0;
  std::vector<std::int64_t> samples_ns;       // one per timed query, in run order
  std::vector<std::uint32_t> sample_indices;  // the pool sample each timed query ran
  std::int64_t phase_start_ns = 0;  // steady clock (power_clock_ns), start of the timed phase
  std::int64_t phase_ns = 0;        // wall time of the whole timed phase
  StopRule::Verdict stop = StopRule::Verdict::minimums_met;  // why the phase ended (go_on: interrupted)
  bool interrupted = false;
  // Device time of each timed run, when the executable reports one for every run.
  std::vector<double> device_samples_ns;
  std::optional<Provenance> device_provenance;
  // Of each device sample, the host's measured share (DeviceTime::host_ns; all zero when
  // the device time has none) and what that share was.
  std::vector<double> device_host_ns;
  std::string device_host_what;
  // Of each device sample, the modeled transfers' share (DeviceTime::transfer_ns; all zero
  // when there is none), their model and what they moved.
  std::vector<double> device_transfer_ns;
  std::optional<Provenance> device_transfer_provenance;
  std::string device_transfer_what;
  // The device power model's watts for each timed run (Executable::last_modeled_watts),
  // when it gives one for every run.
  std::vector<double> modeled_watts;
  std::vector<Tensor> outputs;       // of the first inference (sample 0)
  std::vector<Tensor> last_outputs;  // of the last timed query on sample 0 (to check runs agree); empty if none
  std::optional<HostLoad> host_load;  // what else the host ran during the timed phase, where /proc tells
};

// Throws what compile_partitioned throws (for example, with fallback disabled, a node the
// backend does not support).
CompiledModel compile_model(const Graph& graph, const Weights& weights, const Backend& backend, const Backend& fallback,
                            const CompileOptions& options);

// Runs the first inference and the warm-up on `executable`; the timed phase comes after.
// `interrupt` (may be null) cuts the warm-up short.
class TimedPhase {
 public:
  // Throws std::invalid_argument for an empty pool or an invalid stop rule.
  TimedPhase(Executable& executable, const SamplePool& pool, const MeasureSettings& settings,
             const std::atomic<bool>* interrupt = nullptr);

  void first_inference();
  void warm_up();
  // Starts the clock of the timed phase (taken at the first step when not called).
  void start();
  // One timed query, unless the stop rule or an interrupt says the phase is over; returns
  // whether the phase goes on. Calls `on_progress` at most once per progress interval.
  bool step(const std::function<void(const ProgressSnapshot&)>& on_progress = {});
  bool done() const { return done_; }
  // Ends the phase (interrupted when it had not finished) and hands over the timings.
  Timings finish();

 private:
  Executable& exe_;
  const SamplePool& pool_;
  MeasureSettings settings_;
  const std::atomic<bool>* interrupt_;
  SampleOrder order_;
  Timings t_;
  std::chrono::steady_clock::time_point phase_start_{}, last_progress_{};
  std::optional<CpuTimes> cpu_at_start_;
  bool started_ = false, done_ = false, every_run_has_device_time_ = true, every_run_has_watts_ = true;
};

// The whole sequence on one executable: first inference, warm-up, timed phase. Throws what
// TimedPhase's constructor throws.
Timings measure(Executable& executable, const SamplePool& pool, const MeasureSettings& settings,
                const std::atomic<bool>* interrupt = nullptr,
                const std::function<void(const ProgressSnapshot&)>& on_progress = {});

// Per-node times: `runs` runs on sample 0 with profiling on, averaged per node (in the
// order of the first run). Profiling is switched off again before returning. Empty when
// the executable reports no profile.
struct ProfileEntry {
  NodeProfile node;  // ns: mean over the runs
  double share = 0;  // of the sum over entries
};
std::vector<ProfileEntry> profile_nodes(Executable& executable, const SamplePool& pool, int runs);

}  // namespace eb::bench
