// The power sampler: one thread per source, started and stopped around a measured phase
// (the way Google Benchmark runs extra measurements as start/stop listeners).
//
//   PowerSampler sampler(std::move(selection.sources), {.period = 10ms});
//   sampler.start(PowerPhase::busy);        // returns once every source has a first sample
//   const auto t0 = power_clock_ns();
//   ... the phase ...
//   const auto t1 = power_clock_ns();
//   PowerTrace trace = sampler.stop();      // every source's samples, stats and errors
//   EnergyRecord e = make_energy_record(trace, {t0, t1}, inferences, &idle);
//
// Polled sources are read at a fixed period on absolute deadlines (no drift; a tick missed
// because a read overran is counted, not made up), with one sample at start and one at
// stop, each timestamped with the midpoint of its read. Streamed sources run their own loop
// on their thread (power_source.h). Samples go to a buffer reserved at start, so a phase
// shorter than `reserve_samples` periods allocates nothing while it runs. Each thread
// measures its own CPU time, so the sampler's cost is in every trace.
//
// One sampler can be started and stopped any number of times (an idle baseline, then the
// phase). Destroying a running sampler stops and joins its threads. Not thread-safe: start
// and stop from one thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "bench/power/power_source.h"

namespace eb::bench {

struct SamplerOptions {
  std::chrono::nanoseconds period = std::chrono::milliseconds(10);
  std::size_t reserve_samples = std::size_t{1} << 16;  // per polled source: 11 minutes at 10 ms, 65 s at 1 kHz
  std::chrono::nanoseconds ready_timeout = std::chrono::seconds(10);  // for a streamed source's first sample
};

struct SamplerStats {
  std::int64_t reads = 0;         // polled reads (including failed ones)
  std::int64_t failed_reads = 0;  // polled reads that failed, or errors a streamed source reported
  std::int64_t missed_ticks = 0;  // periods skipped because a read overran its period
  std::int64_t thread_cpu_ns = 0;   // CPU time of this source's sampling thread
  std::int64_t thread_wall_ns = 0;  // how long the thread ran
  double cpu_fraction() const { return thread_wall_ns > 0 ? static_cast<double>(thread_cpu_ns) / thread_wall_ns : 0; }
};

struct SourceTrace {
  PowerSourceInfo info;
  std::vector<PowerSample> samples;  // in time order
  std::vector<std::string> errors;   // the first PowerSink::kMaxErrors; stats.failed_reads counts them all
  SamplerStats stats;
};

struct PowerTrace {
  PowerPhase phase = PowerPhase::busy;
  std::chrono::nanoseconds period{0};
  std::int64_t start_ns = 0;  // power clock: when start() was called
  std::int64_t stop_ns = 0;   // when stop() was called
  std::vector<SourceTrace> sources;
};

class PowerSampler {
 public:
  // Throws std::invalid_argument when options.period is not positive.
  explicit PowerSampler(std::vector<std::unique_ptr<PowerSource>> sources, SamplerOptions options = {});
  PowerSampler(const PowerSampler&) = delete;
  PowerSampler& operator=(const PowerSampler&) = delete;
  ~PowerSampler();

  // Starts one thread per source and waits until each is ready (a first sample, an error,
  // or options.ready_timeout for a streamed source — recorded as an error).
  // Throws std::logic_error when already running.
  void start(PowerPhase phase = PowerPhase::busy);
  // Takes a last sample from every polled source, joins the threads and hands over what
  // they collected. Throws std::logic_error when not running.
  PowerTrace stop();
  bool running() const { return !threads_.empty(); }

  const SamplerOptions& options() const { return options_; }
  std::span<const std::unique_ptr<PowerSource>> sources() const { return sources_; }

 private:
  struct Run;  // the state of one start..stop
  std::vector<std::unique_ptr<PowerSource>> sources_;
  SamplerOptions options_;
  std::unique_ptr<Run> run_;
  std::vector<std::jthread> threads_;  // declared last: joined before run_ is destroyed
};

}  // namespace eb::bench
