// The single-stream runner: compiles a graph for a backend (with the reference fallback
// for nodes it does not support), then issues one inference at a time and times each with
// the host's steady clock. Every sample is kept; statistics are computed from them later.
//
// Order of runs after compilation:
//   1 first inference (cold: caches, lazy allocation, JIT) — recorded on its own
//   `warmup` runs, discarded
//   `iterations` timed runs — the samples
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/backend.h"
#include "core/partition.h"

namespace eb::bench {

struct RunSettings {
  int warmup = 3;
  int iterations = 20;
};

struct CompiledModel {
  std::unique_ptr<Executable> executable;
  PartitionPlan plan;
  std::int64_t compile_ns = 0;  // steady_clock, partitioning and every partition's compile
  std::map<std::string, std::string> info;  // Executable::info(): choices the backend made
};

struct Timings {
  std::int64_t first_inference_ns = 0;
  std::vector<std::int64_t> samples_ns;  // one per timed run, in run order
  // Device time of each timed run, when the executable reports one for every run.
  std::vector<double> device_samples_ns;
  std::optional<Provenance> device_provenance;
  std::vector<Tensor> outputs;       // of the first inference
  std::vector<Tensor> last_outputs;  // of the last timed run (to check runs agree)
};

// Throws what compile_partitioned throws (for example, with fallback disabled, a node the
// backend does not support).
CompiledModel compile_model(const Graph& graph, const Weights& weights, const Backend& backend, const Backend& fallback,
                            const CompileOptions& options);

// Throws std::invalid_argument when settings.iterations < 1 or settings.warmup < 0.
Timings time_single_stream(Executable& executable, std::span<const Tensor> inputs, const RunSettings& settings);

}  // namespace eb::bench
