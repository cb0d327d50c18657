// The cost of power sampling (bench/power): how much of one core a sampler thread takes at
// 1 kHz, and what one read costs. The requirement is < 1% of one core at 1 kHz.
//
// The sampler threads measure their own CPU time (CLOCK_THREAD_CPUTIME_ID), so the figure
// is the sampling thread's and nothing else's. Sources:
//   fake_tree/rapl, fake_tree/hwmon — the real RAPL and hwmon sources on a fake sysfs tree
//     in a temp folder (the same open-once, pread-per-sample path as on sysfs; a sysfs
//     attribute's show() adds a little kernel time that tmpfs does not have);
//   host/rapl, host/hwmon — this host's own sensors, skipped where there are none.
//
//   power_sampler_bench --benchmark_counters_tabular=true
// Counters: core_pct (sampler CPU time / wall time × 100, per source thread), rate_hz
// (samples per second actually taken), missed (ticks skipped because a read overran or the
// thread was woken late). BM_WakeupFloor1kHz is the same measurement for a thread that
// only sleeps at 1 kHz: the part of the cost no sampler can avoid on that host.
#include <benchmark/benchmark.h>
#include <stdlib.h>
#include <time.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "bench/power/hwmon_source.h"
#include "bench/power/rapl_source.h"
#include "bench/power/sampler.h"

namespace {

using namespace std::chrono_literals;
using eb::bench::PowerDiscovery;

// A fake sysfs tree with one RAPL package and one hwmon power input; removed at exit.
class FakeTree {
 public:
  FakeTree() {
    std::string pattern = (std::filesystem::temp_directory_path() / "eb-power-bench-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    root_ = pattern;
    write("powercap/intel-rapl:0/name", "package-0\n");
    write("powercap/intel-rapl:0/energy_uj", "123456789\n");
    write("powercap/intel-rapl:0/max_energy_range_uj", "262143328850\n");
    write("hwmon/hwmon0/name", "ina226\n");
    write("hwmon/hwmon0/power1_input", "4500000\n");
  }
  ~FakeTree() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  const std::filesystem::path& root() const { return root_; }

 private:
  void write(const std::string& rel, const std::string& text) const {
    std::filesystem::create_directories((root_ / rel).parent_path());
    std::ofstream(root_ / rel) << text;
  }
  std::filesystem::path root_;
};

const FakeTree& fake_tree() {
  static const FakeTree tree;  // built once, read-only afterwards
  return tree;
}

enum Which { kFakeRapl, kFakeHwmon, kHostRapl, kHostHwmon };

PowerDiscovery discover(Which which) {
  switch (which) {
    case kFakeRapl: return eb::bench::discover_rapl({fake_tree().root() / "powercap"});
    case kFakeHwmon: return eb::bench::discover_hwmon({fake_tree().root() / "hwmon"});
    case kHostRapl: return eb::bench::discover_rapl();
    case kHostHwmon: return eb::bench::discover_hwmon();
  }
  return {};
}

// Runs a 1 kHz sampler over one source for 250 ms per iteration; the reported time is the
// phase's wall time, the counters its cost.
void BM_Sampler1kHz(benchmark::State& state) {
  PowerDiscovery d = discover(static_cast<Which>(state.range(0)));
  if (d.sources.empty()) {
    state.SkipWithError(d.unavailable.empty() ? "no source" : d.unavailable.front().reason.c_str());
    return;
  }
  d.sources.resize(1);  // one source thread: the figure is per source
  eb::bench::PowerSampler sampler(std::move(d.sources), {.period = 1ms});
  std::int64_t cpu_ns = 0, wall_ns = 0, samples = 0, missed = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    sampler.start();
    std::this_thread::sleep_for(250ms);
    const eb::bench::PowerTrace trace = sampler.stop();
    state.SetIterationTime(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    const auto& s = trace.sources.front();
    cpu_ns += s.stats.thread_cpu_ns;
    wall_ns += s.stats.thread_wall_ns;
    samples += static_cast<std::int64_t>(s.samples.size());
    missed += s.stats.missed_ticks;
  }
  state.counters["core_pct"] = 100.0 * static_cast<double>(cpu_ns) / static_cast<double>(wall_ns);
  state.counters["rate_hz"] = static_cast<double>(samples) / (static_cast<double>(wall_ns) * 1e-9);
  state.counters["missed"] = static_cast<double>(missed);
  state.SetLabel(sampler.sources().front()->info().name);
}
BENCHMARK(BM_Sampler1kHz)
    ->ArgName("source")
    ->Arg(kFakeRapl)
    ->Arg(kFakeHwmon)
    ->Arg(kHostRapl)
    ->Arg(kHostHwmon)
    ->UseManualTime()
    ->Iterations(4)
    ->Unit(benchmark::kMillisecond);

// The floor under any 1 kHz sampler: a thread that only sleeps to absolute 1 ms deadlines
// (clock_nanosleep, TIMER_ABSTIME) and does nothing else. What BM_Sampler1kHz costs above
// this is the sampler's own work; the floor is the kernel's (and, in a VM, the
// hypervisor's) price of 1000 timed wakeups a second.
void BM_WakeupFloor1kHz(benchmark::State& state) {
  std::int64_t cpu_ns = 0, wall_ns = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    std::thread([&] {
      const auto cpu = [] {
        timespec ts{};
        ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
      };
      const std::int64_t cpu0 = cpu();
      const auto wall0 = std::chrono::steady_clock::now();
      timespec next{};
      ::clock_gettime(CLOCK_MONOTONIC, &next);
      for (int i = 0; i < 250; ++i) {
        next.tv_nsec += 1'000'000;
        if (next.tv_nsec >= 1'000'000'000) {
          next.tv_nsec -= 1'000'000'000;
          ++next.tv_sec;
        }
        ::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, nullptr);
      }
      cpu_ns += cpu() - cpu0;
      wall_ns += std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - wall0).count();
    }).join();
    state.SetIterationTime(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  state.counters["core_pct"] = 100.0 * static_cast<double>(cpu_ns) / static_cast<double>(wall_ns);
  state.SetLabel("clock_nanosleep only");
}
BENCHMARK(BM_WakeupFloor1kHz)->UseManualTime()->Iterations(4)->Unit(benchmark::kMillisecond);

// One read() of a source: the work a sampler tick does besides waking up.
void BM_SourceRead(benchmark::State& state) {
  PowerDiscovery d = discover(static_cast<Which>(state.range(0)));
  if (d.sources.empty()) {
    state.SkipWithError(d.unavailable.empty() ? "no source" : d.unavailable.front().reason.c_str());
    return;
  }
  eb::bench::PowerSource& source = *d.sources.front();
  for (auto _ : state) benchmark::DoNotOptimize(source.read());
  state.SetLabel(source.info().name);
}
BENCHMARK(BM_SourceRead)->ArgName("source")->Arg(kFakeRapl)->Arg(kFakeHwmon)->Arg(kHostRapl)->Arg(kHostHwmon);

}  // namespace

BENCHMARK_MAIN();
