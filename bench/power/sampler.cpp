#include "bench/power/sampler.h"

#include <time.h>

#include <condition_variable>
#include <exception>
#include <mutex>
#include <stdexcept>

namespace eb::bench {
namespace {

std::int64_t thread_cpu_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// The loop of a polled source: a sample now, one per period on absolute deadlines, and one
// when stop is requested.
void poll_source(PowerSource& source, PowerSink& sink, SamplerStats& stats, std::stop_token stop,
                 std::chrono::nanoseconds period) {
  const auto take = [&] {
    const std::int64_t before = power_clock_ns();
    PowerReading r = source.read();
    const std::int64_t after = power_clock_ns();
    ++stats.reads;
    if (r.ok()) {
      sink.push({before + (after - before) / 2, r.value});
    } else {
      ++stats.failed_reads;
      sink.fail(std::move(r.error));
    }
  };
  take();
  std::mutex m;
  std::condition_variable_any cv;  // never notified: only the stop request wakes it early
  std::unique_lock lock(m);
  auto next = std::chrono::steady_clock::now() + period;
  while (!cv.wait_until(lock, stop, next, [] { return false; }) && !stop.stop_requested()) {
    take();
    next += period;
    if (const auto now = std::chrono::steady_clock::now(); now >= next) {
      const auto behind = (now - next) / period + 1;
      stats.missed_ticks += behind;
      next += behind * period;
    }
  }
  take();
}

}  // namespace

struct PowerSampler::Run {
  PowerPhase phase = PowerPhase::busy;
  std::int64_t start_ns = 0;
  std::vector<PowerSink> sinks;
  std::vector<SamplerStats> stats;
  std::vector<bool> not_ready_at_start;
  // The start gate: how many sources are not ready yet, and which.
  std::mutex m;
  std::condition_variable cv;
  std::vector<bool> ready;
  std::size_t pending = 0;
};

PowerSampler::PowerSampler(std::vector<std::unique_ptr<PowerSource>> sources, SamplerOptions options)
    : sources_(std::move(sources)), options_(options) {
  if (options_.period <= std::chrono::nanoseconds::zero())
    throw std::invalid_argument("power sampler: the period must be positive");
}

PowerSampler::~PowerSampler() {
  if (running()) stop();
}

void PowerSampler::start(PowerPhase phase) {
  if (running()) throw std::logic_error("power sampler: start() while running");
  run_ = std::make_unique<Run>();
  Run& run = *run_;
  run.phase = phase;
  run.start_ns = power_clock_ns();
  const std::size_t n = sources_.size();
  run.stats.resize(n);
  run.ready.assign(n, false);
  run.pending = n;
  run.sinks.reserve(n);  // sinks are never moved once their threads start
  for (std::size_t i = 0; i < n; ++i) {
    run.sinks.emplace_back([&run, i] {
      std::lock_guard lock(run.m);
      run.ready[i] = true;
      --run.pending;
      run.cv.notify_all();
    });
    if (sources_[i]->polled()) run.sinks.back().reserve(options_.reserve_samples);
  }
  threads_.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    threads_.emplace_back([this, &run, i](std::stop_token stop) {
      PowerSource& source = *sources_[i];
      PowerSink& sink = run.sinks[i];
      SamplerStats& stats = run.stats[i];
      const std::int64_t cpu0 = thread_cpu_ns();
      const std::int64_t wall0 = power_clock_ns();
      try {
        if (source.polled()) {
          poll_source(source, sink, stats, stop, options_.period);
        } else {
          source.stream(sink, stop, run.phase);
          stats.failed_reads = sink.failures();
        }
      } catch (const std::exception& e) {
        sink.fail(source.info().name + ": " + e.what());
        ++stats.failed_reads;
      }
      stats.thread_cpu_ns = thread_cpu_ns() - cpu0;
      stats.thread_wall_ns = power_clock_ns() - wall0;
      sink.ready();  // a source that returned without a sample must not hold start() up
    });
  }
  std::unique_lock lock(run.m);
  run.cv.wait_for(lock, options_.ready_timeout, [&] { return run.pending == 0; });
  run.not_ready_at_start.resize(n);
  for (std::size_t i = 0; i < n; ++i) run.not_ready_at_start[i] = !run.ready[i];
}

PowerTrace PowerSampler::stop() {
  if (!running()) throw std::logic_error("power sampler: stop() while not running");
  PowerTrace trace;
  trace.stop_ns = power_clock_ns();
  for (auto& t : threads_) t.request_stop();
  threads_.clear();  // joins
  Run& run = *run_;
  trace.phase = run.phase;
  trace.period = options_.period;
  trace.start_ns = run.start_ns;
  trace.sources.reserve(sources_.size());
  for (std::size_t i = 0; i < sources_.size(); ++i) {
    SourceTrace s;
    s.info = sources_[i]->info();
    s.samples = std::move(run.sinks[i].samples());
    s.errors = run.sinks[i].errors();
    s.stats = run.stats[i];
    if (run.not_ready_at_start[i])
      s.errors.insert(s.errors.begin(),
                      "no first sample within " +
                          std::to_string(std::chrono::duration<double>(options_.ready_timeout).count()) +
                          " s of start: the phase's start may not be covered");
    trace.sources.push_back(std::move(s));
  }
  run_.reset();
  return trace;
}

}  // namespace eb::bench
