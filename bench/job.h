// One benchmark job: a workload, a backend and settings in; a result record out. This is
// the whole `edgebench run` pipeline, so the CLI only parses flags and prints. Two steps,
// so that everything a user can get wrong fails before anything slow or visible happens:
//
//   prepare_job  resolve model, task and backend → check the settings → prepare_model
//                (bench/prepare_model.h: graph, weights, input samples, batch norm folded)
//   run_job      compile for the backend (fallback partitions: cpu, else reference) →
//                select the power sources (`model`: the compiled executable's) → first
//                inference, warm-up,
//                [idle baseline] → [power sampler on] timed phase [off] → [per-node
//                profile] → outputs described → validity judged → record
//
// Several jobs (run --backend a,b; reproduce): one PreparedJob each, handed to run_jobs,
// which runs them one after the other with a cooldown between them (run_job each), or
// alternating query by query so that drift (thermal, frequency, background load) hits all
// of them alike, and hands over each record as soon as it is complete.
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
#include "bench/prepare_model.h"
#include "bench/result_record.h"
#include "bench/runner.h"
#include "core/registry.h"
#include "models/workload.h"

namespace eb::bench {

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

// The backend used when none is named: the first available one in registry order.
// Throws std::runtime_error if none is available.
const Backend& default_backend(const BackendRegistry& backends);

struct PreparedJob {
  JobSpec spec;
  const Backend* backend = nullptr;
  const Backend* fallback = nullptr;  // the reference backend (the accuracy oracle)
  std::shared_ptr<const Backend> host;  // runs the fallback partitions (bench/host_fallback.h)
  PreparedModel model;                // graph, weights, input samples (sample 0: the outputs recorded are of these), folded
  WorkloadFacts facts;
};

// Throws:
//   InvalidJob          unknown model, backend or task; bad batch; a precision the backend
//                       lacks; an invalid stop rule or warm-up; samples < 1; a bad --power
//                       spec or power period; --power model on a backend without a model
//                       (the settings that would give it one named), or with other sources
//                       on a backend whose time is modeled
//   std::runtime_error  the backend is not available here (with its probe's reason); the
//                       weights file cannot be read, is malformed, or does not fit the
//                       model exactly (naming the tensor)
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

// Compiles, selects the power sources (once, after compile: `model` is the compiled
// executable's), and runs. Throws whatever compiling or running throws (for example a node
// the backend does not support when fallback is disabled), and std::runtime_error when a
// power source named explicitly yields no channel.
// An interrupt does not throw: the record is returned, INVALID with reason "interrupted".
ResultRecord run_job(PreparedJob& job, const RunHooks& hooks);
ResultRecord run_job(PreparedJob& job, const ProgressFn& progress = {});

// The record of a job whose backend threw (while compiling or running): what is known
// before anything ran, INVALID with reason "failed" and the message in validity.error, no
// timings. A comparison writes it so that the failure is visible beside the other backends.
ResultRecord failed_record(const PreparedJob& job, std::string_view error);

// How run_jobs runs several jobs.
struct RunPolicy {
  enum class Order : std::uint8_t {
    sequential,   // one job after the other (run_job), each with its own power sources
    interleaved,  // every job compiled and warmed up, then one query per job in turn until
                  // every stop rule is met (or an interrupt), so that drift (thermal,
                  // frequency, background load) hits all of them alike; energy cannot be
                  // attributed to one job, so power is not sampled (the record says why)
  };
  Order order = Order::sequential;
  // A job that throws (compiling or running) gets failed_record() and the others run on;
  // false: the exception is run_jobs' (a lone run's failure is the command's error).
  // Interleaved jobs always keep going.
  bool keep_going = true;
  std::chrono::nanoseconds cool_down{0};  // sequential: pause between jobs
};

// What run_jobs reports as it goes, beside the RunHooks of each job.
struct JobHooks {
  RunHooks run;
  std::function<void(std::size_t job)> on_start;  // a sequential job is about to compile
  // Every record as soon as it is complete (sequential: after each job; interleaved: all at
  // the end), failed ones included, so that a caller writes it before anything else can go
  // wrong.
  std::function<void(std::size_t job, const ResultRecord&)> on_record;
  std::function<void(std::size_t job, std::string_view error)> on_failure;  // before its failed_record
};

// Runs every job by `policy`; returns the records in the jobs' order. A sequential run
// stops early on an interrupt (hooks.run.interrupt): the job in progress is recorded
// INVALID ("interrupted") and the jobs after it are skipped (no record).
std::vector<ResultRecord> run_jobs(std::vector<PreparedJob>& jobs, const RunPolicy& policy, const JobHooks& hooks);

// Sleeps `d` (the cooldown between backends) in short steps, returning early on an interrupt.
void cool_down(std::chrono::nanoseconds d, const std::atomic<bool>* interrupt);

}  // namespace eb::bench
