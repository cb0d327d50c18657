// The harness's own cost per query: what TimedPhase::step adds around Executable::run —
// three steady_clock readings, the stop-rule check, the interrupt flag, the seeded sample
// order, storing the sample and its index, the device-time query and the progress check.
// The requirement is < 1 µs per query.
//
//   harness_overhead --benchmark_counters_tabular=true
// BM_BareRun calls a no-op executable directly; BM_TimedPhaseStep issues the same no-op
// query through the harness. The difference is the harness's cost per query (the
// `harness_ns` counter of BM_TimedPhaseStep subtracts nothing: read it against BM_BareRun).
// The 1 kHz power sampler's cost is measured by power_sampler_bench (core_pct).
#include <benchmark/benchmark.h>

#include <atomic>

#include "bench/runner.h"

namespace {

using namespace eb;
using namespace eb::bench;

// Returns nothing and does nothing: the whole measured time is the caller's.
class NoOpExecutable final : public Executable {
 public:
  std::vector<Tensor> run(std::span<const Tensor>) override {
    benchmark::ClobberMemory();
    return {};
  }
};

SamplePool pool_of(int n) {
  SamplePool p;
  for (int i = 0; i < n; ++i) {
    p.samples.push_back({Tensor(DType::f32, {1})});
    p.seeds.push_back(static_cast<std::uint64_t>(i));
  }
  return p;
}

void BM_BareRun(benchmark::State& state) {
  NoOpExecutable exe;
  const SamplePool pool = pool_of(4);
  for (auto _ : state) benchmark::DoNotOptimize(exe.run(pool.samples[0]));
}
BENCHMARK(BM_BareRun);

void BM_TimedPhaseStep(benchmark::State& state) {
  NoOpExecutable exe;
  const SamplePool pool = pool_of(4);
  std::atomic<bool> interrupt{false};
  MeasureSettings m;
  m.warmup = WarmupSpec::queries(0);
  constexpr std::int64_t kQueries = std::int64_t{1} << 20;  // the runner's reservation limit
  m.stop = StopRule::fixed(kQueries);
  std::int64_t progress_calls = 0;
  const std::function<void(const ProgressSnapshot&)> on_progress = [&](const ProgressSnapshot&) { ++progress_calls; };
  auto phase = std::make_unique<TimedPhase>(exe, pool, m, &interrupt);
  std::int64_t in_phase = 0;
  for (auto _ : state) {
    if (in_phase == kQueries) {  // a fresh phase (not timed) before the reservation runs out
      state.PauseTiming();
      (void)phase->finish();
      phase = std::make_unique<TimedPhase>(exe, pool, m, &interrupt);
      in_phase = 0;
      state.ResumeTiming();
    }
    benchmark::DoNotOptimize(phase->step(on_progress));
    ++in_phase;
  }
  state.counters["progress_calls"] = static_cast<double>(progress_calls);
}
BENCHMARK(BM_TimedPhaseStep);

}  // namespace

BENCHMARK_MAIN();
