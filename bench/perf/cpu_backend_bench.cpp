// Single-image latency of the cpu backend on M³ViT's backbone and MobileDet-CPU, and how
// close each comes to oneDNN's own fp32 GEMM rate on a matrix product of comparable size,
// measured in the same process on the same threads.
//
//   cpu_backend_bench [--threads=N] [google-benchmark flags]    (N defaults to 2)
//
// Counters: p50_GFLOP/s = 2·MACs of the graph (core/shape_inference.h: node_macs) per
// second of the median latency; best_GFLOP/s the same at the fastest run. The comparable
// GEMM runs eight times after every model run, interleaved, so both see the same machine;
// gemm_p50_GFLOP/s and gemm_best_GFLOP/s are its median and fastest. The summary after the
// table gives the ratio of the medians (the headline) and of the fastest runs. The "gemm/"
// rows time the same GEMMs alone. Comparable GEMMs (M×K×N, row-major fp32, no post-ops):
//   m3vit-backbone: 129×192×768 — the dense MLP's fc1 on 129 tokens, the backbone's most
//                   common large product (the other linears are 129×192×{576,192} and 129×768×192).
//   mobiledet-cpu:  1600×48×192 — a 1×1 expansion convolution at 40×40, the
//                   backbone's typical pointwise layer, as a GEMM (pixels × in × out).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>
#include <omp.h>

#include "bench/prepare_model.h"
#include "core/registry.h"
#include "models/workload.h"

namespace {

int g_threads = 2;  // set once from --threads before any benchmark runs

struct GemmSize {
  dnnl::memory::dim m, k, n;
};

// One fp32 GEMM through oneDNN matmul, ready to run.
class Gemm {
 public:
  explicit Gemm(GemmSize s) : size_(s) {
    using dnnl::memory;
    const memory::desc a({s.m, s.k}, memory::data_type::f32, memory::format_tag::ab);
    const memory::desc b({s.k, s.n}, memory::data_type::f32, memory::format_tag::ab);
    const memory::desc c({s.m, s.n}, memory::data_type::f32, memory::format_tag::ab);
    prim_ = dnnl::matmul(dnnl::matmul::primitive_desc({a, b, c}, engine_));
    a_ = memory(a, engine_);
    b_ = memory(b, engine_);
    c_ = memory(c, engine_);
    fill(a_, 0.25f);
    fill(b_, -0.5f);
  }
  void run() {
    prim_.execute(stream_, {{DNNL_ARG_SRC, a_}, {DNNL_ARG_WEIGHTS, b_}, {DNNL_ARG_DST, c_}});
    stream_.wait();
  }
  double flops() const { return 2.0 * static_cast<double>(size_.m * size_.k * size_.n); }

 private:
  static void fill(dnnl::memory& m, float v) {
    auto* p = static_cast<float*>(m.get_data_handle());
    const std::size_t n = m.get_desc().get_size() / sizeof(float);
    for (std::size_t i = 0; i < n; ++i) p[i] = v * static_cast<float>(i % 7 + 1) / 7.0f;
  }
  GemmSize size_;
  dnnl::engine engine_{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream_{engine_};
  dnnl::matmul prim_;
  dnnl::memory a_, b_, c_;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double seconds_of(const auto& body) {
  const auto t0 = std::chrono::steady_clock::now();
  body();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

const std::map<std::string, GemmSize> kComparable = {
    {"m3vit-backbone", {129, 192, 768}},
    {"mobiledet-cpu", {1600, 48, 192}},
};

void BM_Model(benchmark::State& state, const std::string& model) {
  const auto registry = eb::make_workload_registry();
  const eb::bench::PreparedModel prepared = eb::bench::prepare_model(registry, {.model = model, .seed = 1});
  const auto inputs = prepared.inputs();
  const auto& folded = prepared.folded;
  eb::CompileOptions options;
  options.threads = g_threads;
  options.allow_fallback = false;  // the cpu backend's own time, every node
  const auto backends = eb::make_backend_registry();
  auto exe = eb::bench::compile_prepared(prepared, backends.get("cpu"), backends.reference(), options).executable;
  for (int i = 0; i < 3; ++i) exe->run(inputs);  // warm-up: first-touch of the arena, caches

  // The GEMM runs interleaved with the model, a few times after every model run, so
  // that whatever else the machine is doing hits both alike; the ratio of the medians is
  // the headline, the ratio of the fastest runs is shown beside it.
  Gemm gemm(kComparable.at(model));
  for (int i = 0; i < 20; ++i) gemm.run();
  constexpr int kGemmPerModelRun = 8;
  std::vector<double> model_s, gemm_s;
  for (auto _ : state) {
    const double t = seconds_of([&] { benchmark::DoNotOptimize(exe->run(inputs)); });
    state.SetIterationTime(t);
    model_s.push_back(t);
    for (int i = 0; i < kGemmPerModelRun; ++i) gemm_s.push_back(seconds_of([&] { gemm.run(); }));
  }

  const double flops = 2.0 * static_cast<double>(folded.graph.mac_count());
  const double best_s = *std::min_element(model_s.begin(), model_s.end());
  const double gemm_best_s = *std::min_element(gemm_s.begin(), gemm_s.end());
  state.counters["p50_ms"] = median(model_s) * 1e3;
  state.counters["p50_GFLOP/s"] = flops / median(model_s) / 1e9;
  state.counters["best_GFLOP/s"] = flops / best_s / 1e9;
  state.counters["gemm_p50_GFLOP/s"] = gemm.flops() / median(gemm_s) / 1e9;
  state.counters["gemm_best_GFLOP/s"] = gemm.flops() / gemm_best_s / 1e9;
  state.counters["GMAC"] = flops / 2e9;
  state.counters["threads"] = g_threads;
  state.SetLabel(model);
}

void BM_Gemm(benchmark::State& state) {
  const GemmSize s{state.range(0), state.range(1), state.range(2)};
  omp_set_num_threads(g_threads);
  Gemm g(s);
  for (int i = 0; i < 10; ++i) g.run();
  for (auto _ : state) g.run();
  state.counters["GFLOP/s"] = benchmark::Counter(g.flops() / 1e9, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["threads"] = g_threads;
}

// Prints the model-to-GEMM ratio after Google Benchmark's own table.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      auto get = [&](const char* key) {
        const auto it = r.counters.find(key);
        return it == r.counters.end() ? -1.0 : it->second.value;
      };
      const double p50_ms = get("p50_ms"), p50 = get("p50_GFLOP/s"), best = get("best_GFLOP/s"),
                   gemm_p50 = get("gemm_p50_GFLOP/s"), gemm_best = get("gemm_best_GFLOP/s");
      if (p50 < 0 || best < 0 || gemm_p50 < 0 || gemm_best < 0 || r.run_type != Run::RT_Iteration) continue;
      char line[512];
      std::snprintf(line, sizeof line,
                    "%s (measured, steady_clock, %lld runs): p50 %.2f ms = %.2f GFLOP/s, best %.2f GFLOP/s; "
                    "interleaved GEMM p50 %.2f GFLOP/s, best %.2f GFLOP/s; p50/p50 = %.1f%% of the GEMM "
                    "(best/best %.1f%%)",
                    r.report_label.c_str(), static_cast<long long>(r.iterations), p50_ms, p50, best, gemm_p50,
                    gemm_best, 100.0 * p50 / gemm_p50, 100.0 * best / gemm_best);
      ratios_.push_back(line);
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    for (const auto& line : ratios_) std::printf("%s\n", line.c_str());
  }

 private:
  std::vector<std::string> ratios_;
};

}  // namespace

int main(int argc, char** argv) {
  // Our own flag first; Google Benchmark rejects flags it does not know.
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--threads=", 10) == 0)
      g_threads = std::atoi(argv[i] + 10);
    else
      args.push_back(argv[i]);
  }
  int n = static_cast<int>(args.size());
  for (const auto& [model, gemm] : kComparable) {
    benchmark::RegisterBenchmark(("model/" + model).c_str(), BM_Model, model)
        ->Unit(benchmark::kMillisecond)
        ->UseManualTime()
        ->MinTime(3.0);
    benchmark::RegisterBenchmark(("gemm/" + model).c_str(), BM_Gemm)
        ->Args({gemm.m, gemm.k, gemm.n})
        ->Unit(benchmark::kMicrosecond)
        ->UseRealTime();
  }
  benchmark::Initialize(&n, args.data());
  if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 1;
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
