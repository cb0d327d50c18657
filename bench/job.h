// One benchmark job: a workload, a backend and settings in; a result record out. This is
// the whole `edgebench run` pipeline, so the CLI only parses flags and prints. Two steps,
// so that everything a user can get wrong fails before anything slow or visible happens:
//
//   prepare_job  resolve model, task and backend → build the graph → seeded weights, or a
//                safetensors file checked against the graph → fold batch norm
//   run_job      compile for the backend (fallback partitions: cpu, else reference) → first inference, warm-up,
//                [idle baseline] → [power sampler on] timed phase [off] → [per-node
//                profile] → outputs described → validity judged → record
//
// Several backends (--backend a,b): one PreparedJob each, run one after the other with a
// cooldown between them (run_job), or alternating query by query (run_jobs_interleaved)
// so that drift (thermal, frequency, background load) hits all of them alike.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "bench/accuracy/run_accuracy.h"
#include "bench/power/selection.h"
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
  // compile.precision was not asked for: a backend without it runs its own first precision.
  bool precision_is_default = false;
  MeasureSettings measure;
  int samples = 4;  // seeded input samples in the pool (sample i has input seed `seed + i`)
  // Power: "none" (default), "auto", or sources (bench/power/selection.h).
  std::string power = "none";
  std::chrono::nanoseconds power_period = std::chrono::milliseconds(10);
  std::chrono::nanoseconds idle_baseline{0};  // 0: no idle baseline
  bool keep_power_samples = true;             // the traces' samples in the record
  std::string command_line;  // recorded so the run can be repeated
  AccuracySpec accuracy;     // fidelity to the reference, --dataset, --limit (bench/accuracy/run_accuracy.h)
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

// The backend used when none is named: the first available one in registry order.
// Throws std::runtime_error if none is available.
const Backend& default_backend(const BackendRegistry& backends);

struct PreparedJob {
  JobSpec spec;
  BuiltWorkload built;
  const Backend* backend = nullptr;
  const Backend* fallback = nullptr;  // the reference backend (the accuracy oracle)
  std::shared_ptr<const Backend> host;  // runs the fallback partitions (bench/host_fallback.h)
  Weights weights;                    // as loaded or seeded (what the record's hash covers)
  std::vector<Tensor> inputs;         // sample 0 (the job's seed): the outputs recorded are of these
  SamplePool pool;                    // every sample, inputs first
  FoldedModel folded;                 // what the backend compiles
  WorkloadFacts facts;
  std::optional<PowerSelection> power;  // discovered sources (run_job consumes them); none with --power none
};

// Throws:
//   InvalidJob          unknown model, backend or task; bad batch; a precision the backend
//                       lacks; an invalid stop rule or warm-up; samples < 1; a bad --power
//                       spec or power period
//   std::runtime_error  the backend is not available here (with its probe's reason); the
//                       weights file cannot be read, is malformed, or does not fit the
//                       model exactly (naming the tensor); a power source named explicitly
//                       yields no channel
PreparedJob prepare_job(const JobSpec& spec, const BackendRegistry& backends, const WorkloadRegistry& workloads);

// Stage lines ("compiling ...", "running ...") for a user waiting on a long job.
using ProgressFn = std::function<void(std::string_view)>;

// What a run reports back while it runs, and how it is stopped.
struct RunHooks {
  ProgressFn say;  // stage lines
  std::function<void(std::string_view backend, const ProgressSnapshot&)> progress;  // live progress
  std::function<void(std::string_view warning)> warn;  // e.g. a power window too short, shown on stderr
  const std::atomic<bool>* interrupt = nullptr;  // set by Ctrl-C (interrupt.h): ends the run, record marked interrupted
};

// Compiles and runs; consumes job.power's sources. Throws whatever compiling or running
// throws (for example a node the backend does not support when fallback is disabled).
// An interrupt does not throw: the record is returned, INVALID with reason "interrupted".
ResultRecord run_job(PreparedJob& job, const RunHooks& hooks);
ResultRecord run_job(PreparedJob& job, const ProgressFn& progress = {});

// The record of a job whose backend threw (while compiling or running): what is known
// before anything ran, INVALID with reason "failed" and the message in validity.error, no
// timings. A comparison writes it so that the failure is visible beside the other backends.
ResultRecord failed_record(const PreparedJob& job, std::string_view error);

// Every job compiled, warmed up, then timed one query per job in turn until every job's
// stop rule is met (or an interrupt). Energy cannot be attributed to one backend when they
// alternate, so power is not sampled (the record says why). Records in the jobs' order.
// A job that throws is taken out of the rotation and its record is failed_record(); the
// others run on.
std::vector<ResultRecord> run_jobs_interleaved(std::vector<PreparedJob>& jobs, const RunHooks& hooks);

// Sleeps `d` (the cooldown between backends) in short steps, returning early on an interrupt.
void cool_down(std::chrono::nanoseconds d, const std::atomic<bool>* interrupt);

}  // namespace eb::bench
