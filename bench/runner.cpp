#include "bench/runner.h"

#include <chrono>
#include <stdexcept>
#include <string>

namespace eb::bench {
namespace {

using Clock = std::chrono::steady_clock;

std::int64_t elapsed_ns(Clock::time_point t0, Clock::time_point t1) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count();
}

}  // namespace

CompiledModel compile_model(const Graph& graph, const Weights& weights, const Backend& backend, const Backend& fallback,
                            const CompileOptions& options) {
  CompiledModel m;
  const auto t0 = Clock::now();
  m.executable = compile_partitioned(graph, weights, backend, fallback, options, &m.plan);
  m.compile_ns = elapsed_ns(t0, Clock::now());
  m.info = m.executable->info();
  return m;
}

Timings time_single_stream(Executable& executable, std::span<const Tensor> inputs, const RunSettings& settings) {
  if (settings.iterations < 1)
    throw std::invalid_argument("iterations must be at least 1 (got " + std::to_string(settings.iterations) + ")");
  if (settings.warmup < 0)
    throw std::invalid_argument("warm-up runs must not be negative (got " + std::to_string(settings.warmup) + ")");

  Timings t;
  {
    const auto t0 = Clock::now();
    auto out = executable.run(inputs);
    t.first_inference_ns = elapsed_ns(t0, Clock::now());
    t.outputs = std::move(out);
  }
  for (int i = 0; i < settings.warmup; ++i) (void)executable.run(inputs);

  t.samples_ns.reserve(static_cast<std::size_t>(settings.iterations));
  bool every_run_has_device_time = true;
  for (int i = 0; i < settings.iterations; ++i) {
    const auto t0 = Clock::now();
    auto out = executable.run(inputs);
    const auto t1 = Clock::now();  // before `out` is destroyed: freeing is not inference
    t.samples_ns.push_back(elapsed_ns(t0, t1));
    if (auto d = executable.last_device_time(); d && every_run_has_device_time) {
      t.device_samples_ns.push_back(d->ns);
      if (!t.device_provenance) t.device_provenance = d->provenance;
    } else {
      every_run_has_device_time = false;
    }
    if (i + 1 == settings.iterations) t.last_outputs = std::move(out);
  }
  if (!every_run_has_device_time) {
    t.device_samples_ns.clear();
    t.device_provenance.reset();
  }
  return t;
}

}  // namespace eb::bench
