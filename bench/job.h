// One benchmark job: a workload, a backend and settings in; a result record out. This is
// the whole `edgebench run` pipeline, so the CLI only parses flags and prints. Two steps,
// so that everything a user can get wrong fails before anything slow or visible happens:
//
//   prepare_job  resolve model, task and backend → build the graph → seeded weights, or a
//                safetensors file checked against the graph → fold batch norm
//   run_job      compile for the backend (reference fallback) → first inference, warm-up,
//                timed runs → outputs described → validity judged → record
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "bench/result_record.h"
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

struct JobSpec {
  std::string model;
  std::string task;     // empty: the model's default task
  int batch = 1;
  std::string backend;  // empty: default_backend()
  std::uint64_t seed = 0;  // seeded weights (unless weights_file) and inputs
  std::optional<std::filesystem::path> weights_file;
  CompileOptions compile;
  RunSettings run;
  std::string command_line;  // recorded so the run can be repeated
};

// A workload's graph as the model declares it (batch norm not yet folded).
struct BuiltWorkload {
  const Workload* workload = nullptr;
  std::string task;  // the task built: the default one when none was asked for; empty if the model has none
  Graph graph;
};

// Throws InvalidJob for an unknown model or task, or a batch below 1.
BuiltWorkload build_workload(const WorkloadRegistry& workloads, const std::string& model, const std::string& task, int batch);

// The backend used when none is named: the first available one in registry order.
// Throws std::runtime_error if none is available.
const Backend& default_backend(const BackendRegistry& backends);

struct PreparedJob {
  JobSpec spec;
  BuiltWorkload built;
  const Backend* backend = nullptr;
  const Backend* fallback = nullptr;  // the reference backend
  Weights weights;                    // as loaded or seeded (what the record's hash covers)
  std::vector<Tensor> inputs;
  FoldedModel folded;                 // what the backend compiles
  WorkloadFacts facts;
};

// Throws:
//   InvalidJob          unknown model, backend or task; bad batch; a precision the backend
//                       lacks; iterations < 1; warmup < 0
//   std::runtime_error  the backend is not available here (with its probe's reason); the
//                       weights file cannot be read, is malformed, or does not fit the
//                       model exactly (naming the tensor)
PreparedJob prepare_job(const JobSpec& spec, const BackendRegistry& backends, const WorkloadRegistry& workloads);

// Progress lines ("compiling ...", "running ...") for a user waiting on a long job.
using ProgressFn = std::function<void(std::string_view)>;

// Compiles and runs. Throws whatever compiling or running throws (for example a node the
// backend does not support when fallback is disabled).
ResultRecord run_job(const PreparedJob& job, const ProgressFn& progress = {});

}  // namespace eb::bench
