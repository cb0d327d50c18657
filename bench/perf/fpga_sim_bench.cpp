// Speed of the fpga backend's C simulation: one M³ViT backbone image (bit-accurate
// datapath, cycle model included) against the cpu backend's fp32 time for the same graph,
// weights and image, measured in the same process. The target is a ratio below 10.
//
//   fpga_sim_bench [google-benchmark flags]
//
// Counters: vs_cpu_fp32 = this benchmark's time per image / the cpu backend's best of 10
// (absent when the cpu backend is not built; vs_reference likewise for the reference
// backend, best of 3); modeled_ms = the cycle model's board time for the image at 300 MHz.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <memory>

#include "backends/fpga/executable.h"
#include "backends/fpga/fpga_backend.h"
#include "bench/prepare_model.h"
#include "core/registry.h"
#include "models/workload.h"

namespace {

const eb::bench::PreparedModel& backbone() {
  static const eb::WorkloadRegistry workloads = eb::make_workload_registry();  // built once, read-only afterwards
  static const eb::bench::PreparedModel m = eb::bench::prepare_model(workloads, {.model = "m3vit-backbone", .seed = 1});
  return m;
}

// The whole graph on `backend` (no fallback): that backend's own executable.
std::unique_ptr<eb::Executable> compile_whole(const eb::BackendRegistry& reg, const eb::Backend& backend) {
  eb::CompileOptions options;
  options.allow_fallback = false;
  options.precision = backend.precisions().front();  // the fpga's fixed point; fp32 elsewhere
  return eb::bench::compile_prepared(backbone(), backend, reg.reference(), options).executable;
}

// Best wall time of `reps` runs of `backend` on the backbone, in seconds (0 if absent).
double best_time(std::string_view backend, int reps) {
  const eb::BackendRegistry reg = eb::make_backend_registry();
  const eb::Backend* b = reg.find(backend);
  if (!b) return 0;
  const eb::bench::PreparedModel& m = backbone();
  auto exe = compile_whole(reg, *b);
  exe->run(m.inputs());  // warm-up
  double best = std::numeric_limits<double>::infinity();
  for (int i = 0; i < reps; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    exe->run(m.inputs());
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}

void BM_FpgaCSimulationBackbone(benchmark::State& state) {
  const eb::bench::PreparedModel& m = backbone();
  const double cpu = best_time("cpu", 10);
  const double ref = best_time("reference", 3);
  const eb::BackendRegistry reg = eb::make_backend_registry();
  auto exe = compile_whole(reg, *eb::fpga::make_fpga_backend());
  exe->run(m.inputs());  // warm-up
  double total = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(exe->run(m.inputs()));
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    state.SetIterationTime(s);
    total += s;
  }
  const double per_image = total / static_cast<double>(state.iterations());
  if (cpu > 0) state.counters["vs_cpu_fp32"] = per_image / cpu;
  if (ref > 0) state.counters["vs_reference"] = per_image / ref;
  state.counters["modeled_ms"] = dynamic_cast<const eb::fpga::FpgaExecutable&>(*exe).last_cycles().seconds() * 1e3;
}
BENCHMARK(BM_FpgaCSimulationBackbone)->UseManualTime()->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace

BENCHMARK_MAIN();
