// A model made ready to compile, one way for every command and program that runs one
// (`run`, `reproduce`, `export`, the programs in bench/perf):
//
//   prepare_model     build the workload's graph → weights: seeded, or a safetensors file
//                     that must be exactly the model's → seeded input samples → fold batch
//                     norm
//   compile_prepared  partition the folded graph and compile it on a backend, the rest on
//                     the reference (bench/runner.h: compile_model)
//
// The harness (bench/job.h) adds what only a timed job needs: the backend and its
// settings, the record's facts, power.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/runner.h"
#include "core/fold_batch_norm.h"
#include "core/registry.h"
#include "models/workload.h"

namespace eb::bench {

// The job as asked for is impossible (unknown model, backend or task; bad counts; a
// precision the backend lacks): the request is wrong, not the machine. The CLI exits 2.
class InvalidJob : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// A workload's graph as the model declares it (batch norm not yet folded).
struct BuiltWorkload {
  const Workload* workload = nullptr;
  std::string task;  // the task built: the default one when none was asked for; empty if the model has none
  Graph graph;
};

// The largest batch accepted: far above what an edge device runs, and low enough that the
// graph's shape arithmetic cannot overflow. (Memory is checked separately, per job.)
inline constexpr int kMaxBatch = 4096;

// Throws InvalidJob for an unknown model or task, or a batch below 1 or above kMaxBatch.
BuiltWorkload build_workload(const WorkloadRegistry& workloads, const std::string& model, const std::string& task, int batch);

// (Every member has an initializer, so designated initializers may leave any out.)
struct ModelRequest {
  std::string model = {};
  std::string task = {};  // empty: the model's default task
  int batch = 1;
  std::uint64_t seed = 0;                   // seeded weights (unless weights_file) and inputs
  std::optional<std::uint64_t> input_seed = {};  // inputs from another seed than the weights
  std::optional<std::filesystem::path> weights_file = {};
  int samples = 1;  // seeded input samples (sample i: input seed + i); 0: no inputs (export)
};

struct PreparedModel {
  BuiltWorkload built;
  Weights weights;     // as loaded or seeded (what a record's hash covers)
  SamplePool pool;     // every sample, sample 0 first
  FoldedModel folded;  // what a backend compiles

  // Sample 0 (a record's outputs are of these); empty when no samples were asked for.
  std::span<const Tensor> inputs() const {
    return pool.samples.empty() ? std::span<const Tensor>{} : std::span<const Tensor>(pool.samples.front());
  }
};

// Throws:
//   InvalidJob          what build_workload throws; samples < 0; input samples that would
//                       take more than half of this machine's memory (with the figures)
//   std::runtime_error  the weights file cannot be read, is malformed, or does not fit the
//                       model exactly: a weight missing or of another shape or dtype, or a
//                       tensor that is not a weight of the model (each named)
PreparedModel prepare_model(const WorkloadRegistry& workloads, const ModelRequest& request);
// The same from a graph already built (`request`'s model, task and batch are not read again).
PreparedModel prepare_model(BuiltWorkload built, const ModelRequest& request);

// compile_model (bench/runner.h) on the folded graph. Throws what it throws.
CompiledModel compile_prepared(const PreparedModel& model, const Backend& backend, const Backend& fallback,
                               const CompileOptions& options);

}  // namespace eb::bench
