// The result record: everything about one (workload, backend, settings) run, as plain
// values. Statistics are computed once when the record is assembled; to_json only
// formats. The JSON layout is documented in docs/result-schema.md — change both together
// and bump kResultSchemaVersion when a field changes meaning or disappears.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/host_info.h"
#include "bench/latency_stats.h"
#include "bench/output_summary.h"
#include "bench/power/energy_record.h"
#include "bench/runner.h"
#include "bench/scenario.h"
#include "bench/validity.h"
#include "core/backend.h"
#include "core/partition.h"

namespace eb::bench {

inline constexpr int kResultSchemaVersion = 1;

struct ToolInfo {
  std::string name = "edgebench";
  std::string version;
  std::string git_revision;
};
ToolInfo this_tool();  // from the generated core/version.h

struct WeightsSource {
  enum class Kind : std::uint8_t { seeded, file };
  Kind kind = Kind::seeded;
  std::uint64_t seed = 0;    // when seeded
  std::string path;          // when from a file
  std::uint64_t hash = 0;    // bench/weights_hash.h, over the weights as loaded (before folding)
};

struct WorkloadFacts {
  std::string model;
  std::string task;  // the task actually built (the default one when none was asked for); empty if the model has none
  int batch = 1;
  std::vector<std::pair<std::string, Shape>> inputs;  // graph inputs in order
  std::uint64_t input_seed = 0;
  std::int64_t params = 0;  // as published: counted before batch-norm folding
  std::int64_t macs = 0;
  WeightsSource weights;
};

struct BackendFacts {
  std::string name;
  std::string device;  // Probe::device
  CompileOptions options;
  std::map<std::string, std::string> resolved_options;  // this backend's declared options: given or default
  PartitionPlan plan;
  std::map<std::string, std::string> executable_info;  // Executable::info()
};

struct ScenarioFacts {
  MeasureSettings settings;                 // as asked for
  std::vector<std::uint64_t> sample_seeds;  // the input seed of each pool sample (sample 0: the job's seed)
  std::int64_t warmup_queries = 0;          // warm-up queries actually run
  std::int64_t warmup_ns = 0;
  std::int64_t timed_queries = 0;
  StopRule::Verdict stop = StopRule::Verdict::minimums_met;  // why the timed phase ended
  bool interrupted = false;
  std::string name() const { return std::string(scenario_name(settings.scenario)); }
};

// Device time per timed run: the system time a real board would show. When part of it ran
// on this host (fallback partitions, post-processing), `host` holds that part (measured);
// modeled transfers between the host's and the device's buffers are `transfers`; `device`
// is the device's own rest (with the device's provenance); `samples_ns` is their sum, and
// `provenance` says it is a sum.
struct DeviceTimingPart {
  std::vector<double> samples_ns;
  LatencyStats stats;
  Provenance provenance;
  std::string what;
};

struct DeviceTiming {
  std::vector<double> samples_ns;
  LatencyStats stats;
  Provenance provenance;
  std::optional<DeviceTimingPart> device;    // present with `host` or `transfers`
  std::optional<DeviceTimingPart> host;
  std::optional<DeviceTimingPart> transfers;  // modeled data movement host <-> device (DeviceTime::transfer_ns)
};

struct TimingFacts {
  Provenance provenance;  // of every host-side number below
  std::int64_t compile_ns = 0;
  std::int64_t first_inference_ns = 0;
  std::vector<std::int64_t> samples_ns;
  std::vector<std::uint32_t> sample_indices;  // the pool sample of each timed query
  std::int64_t phase_ns = 0;                  // wall time of the whole timed phase
  std::optional<LatencyStats> stats;          // nullopt when no timed query completed
  double throughput_per_s = 0;  // batch · 1e9 / mean_ns (from per-query latency)
  double samples_per_s = 0;     // timed_queries · batch / phase (the offline headline; includes the harness's gaps)
  std::optional<DeviceTiming> device;
  std::optional<HostLoad> host_load;  // bench/host_load.h
};

// Per-node times (--profile): mean over `runs` profiled runs after the timed phase.
struct ProfileFacts {
  int runs = 0;
  std::vector<ProfileEntry> nodes;
};

// Power and energy (--power): the selection, the energy figures and the samples.
struct PowerFacts {
  nlohmann::json selection;                 // bench/power/power_json.h layout
  std::optional<EnergyRecord> energy;       // nullopt when nothing could be sampled
  nlohmann::json trace = nullptr;           // the busy phase's samples
  nlohmann::json idle_trace = nullptr;      // the idle baseline's samples
  std::string not_measured;                 // why there is no energy (interleaved backends, ...)
};

struct OutputFacts {
  Provenance provenance;  // which backend computed them
  nlohmann::json workload = nlohmann::json::object();  // Workload::describe_outputs
  std::vector<OutputSummary> tensors;
};

struct ResultRecord {
  ToolInfo tool;
  std::string created;       // UTC, ISO 8601
  std::string command_line;  // how to repeat the run
  HostInfo host;
  WorkloadFacts workload;
  BackendFacts backend;
  ScenarioFacts scenario;
  TimingFacts timing;
  OutputFacts outputs;
  std::optional<PowerFacts> power;      // absent with --power none
  std::optional<ProfileFacts> profile;  // with --profile
  nlohmann::json accuracy = nullptr;    // filled by the accuracy evaluation when asked for
  Validity validity;
};

// The timing section of a record from the compile time and the runs (statistics computed here).
TimingFacts make_timing_facts(const CompiledModel& compiled, const Timings& timings, int batch);
// The scenario section: settings as asked for, and what the run did.
ScenarioFacts make_scenario_facts(const MeasureSettings& settings, const SamplePool& pool, const Timings& timings);

nlohmann::json to_json(const ResultRecord& r);

// "<model>[-<task>]-<backend>-<precision>[-<scenario>].json" (the scenario only when not single-stream)
std::string result_file_name(const ResultRecord& r);

// Creates `dir` if needed and checks that files can be created in it, so that a run is
// not wasted on a folder it cannot write to; removes temporary record files that a killed
// run left there (".<name>.json.tmp-XXXXXX", older than a minute). Throws
// std::runtime_error naming the folder.
void prepare_result_folder(const std::filesystem::path& dir);

// Writes the record to `dir`/result_file_name(r) atomically and returns the path — except
// that an INVALID record (interrupted, failed, too few queries) never replaces a VALID one
// already there: it goes beside it as "<name>.json.invalid" (which compare/report do not pick up from a folder), and that path
// is returned.
std::filesystem::path write_result_record(const ResultRecord& r, const std::filesystem::path& dir);

// The current time in UTC, "2024-05-01T12:34:56Z".
std::string utc_now_iso8601();

}  // namespace eb::bench
