#include "bench/result_record.h"

#include <chrono>
#include <ctime>
#include <stdexcept>

#include <fmt/format.h>

#include "bench/provenance_json.h"
#include "bench/weights_hash.h"
#include "core/atomic_file.h"
#include "core/version.h"

namespace eb::bench {
namespace {

using nlohmann::json;

json stats_json(const LatencyStats& s) {
  return {{"count", s.count},
          {"min_ns", s.min_ns},
          {"max_ns", s.max_ns},
          {"mean_ns", s.mean_ns},
          {"stddev_ns", s.stddev_ns},
          {"cv", s.cv},
          {"p50_ns", s.p50_ns},
          {"p90_ns", s.p90_ns},
          {"p95_ns", s.p95_ns},
          {"p99_ns", s.p99_ns},
          {"p99_9_ns", s.p99_9_ns},
          {"percentile_method", "nearest-rank"}};
}

json workload_json(const WorkloadFacts& w) {
  json inputs = json::object();
  for (const auto& [name, shape] : w.inputs) inputs[name] = shape;
  json weights = {{"source", w.weights.kind == WeightsSource::Kind::seeded ? "seeded" : "file"}};
  if (w.weights.kind == WeightsSource::Kind::seeded)
    weights["seed"] = w.weights.seed;
  else
    weights["path"] = w.weights.path;
  weights["hash"] = hex64(w.weights.hash);
  weights["hash_method"] = "fnv1a64(name, 0x00, bytes) over tensors in name order";
  return {{"model", w.model},
          {"task", w.task.empty() ? json(nullptr) : json(w.task)},
          {"batch", w.batch},
          {"input_shapes", std::move(inputs)},
          {"inputs", {{"source", "seeded"}, {"seed", w.input_seed}}},
          {"params", w.params},
          {"macs", w.macs},
          {"weights", std::move(weights)}};
}

json backend_json(const BackendFacts& b) {
  const PartitionPlan& p = b.plan;
  std::size_t partitions = 0;
  for (const auto& part : p.partitions) partitions += part.backend == p.backend ? 1 : 0;
  return {{"name", b.name},
          {"device", b.device},
          {"precision", precision_name(b.options.precision)},
          {"threads", b.options.threads},
          {"allow_fallback", b.options.allow_fallback},
          {"options", b.options.extra},
          {"executable_info", b.executable_info},
          {"partition",
           {{"summary", p.summary()},
            {"delegated_nodes", p.delegated_nodes},
            {"total_nodes", p.total_nodes},
            {"delegated_macs", p.delegated_macs},
            {"total_macs", p.total_macs},
            {"partitions", partitions},
            {"fallback_ops", p.fallback_ops}}}};
}

json timing_json(const TimingFacts& t) {
  json j = {{"provenance", to_json(t.provenance)},
            {"compile_ns", t.compile_ns},
            {"first_inference_ns", t.first_inference_ns},
            {"samples_ns", t.samples_ns},
            {"stats", stats_json(t.stats)},
            {"throughput_per_s", t.throughput_per_s}};
  if (t.device)
    j["device"] = {{"provenance", to_json(t.device->provenance)},
                   {"samples_ns", t.device->samples_ns},
                   {"stats", stats_json(t.device->stats)}};
  return j;
}

json outputs_json(const OutputFacts& o) {
  json tensors = json::array();
  for (const auto& t : o.tensors) tensors.push_back(to_json(t));
  return {{"provenance", to_json(o.provenance)}, {"workload", o.workload}, {"tensors", std::move(tensors)}};
}

}  // namespace

ToolInfo this_tool() { return {"edgebench", kVersion, kGitRevision}; }

TimingFacts make_timing_facts(const CompiledModel& compiled, const Timings& timings, int batch) {
  TimingFacts t;
  t.provenance = Provenance::measured(kHostClock);
  t.compile_ns = compiled.compile_ns;
  t.first_inference_ns = timings.first_inference_ns;
  t.samples_ns = timings.samples_ns;
  t.stats = compute_latency_stats(std::span<const std::int64_t>(t.samples_ns));
  t.throughput_per_s = t.stats.mean_ns > 0 ? static_cast<double>(batch) * 1e9 / t.stats.mean_ns : 0.0;
  if (!timings.device_samples_ns.empty() && timings.device_provenance)
    t.device = DeviceTiming{timings.device_samples_ns, compute_latency_stats(std::span<const double>(timings.device_samples_ns)),
                            *timings.device_provenance};
  return t;
}

json to_json(const ResultRecord& r) {
  return {{"schema_version", kResultSchemaVersion},
          {"tool", {{"name", r.tool.name}, {"version", r.tool.version}, {"git_revision", r.tool.git_revision}}},
          {"created", r.created},
          {"command", r.command_line},
          {"host", to_json(r.host)},
          {"workload", workload_json(r.workload)},
          {"backend", backend_json(r.backend)},
          {"scenario",
           {{"name", r.scenario.name}, {"warmup", r.scenario.settings.warmup}, {"iterations", r.scenario.settings.iterations}}},
          {"timing", timing_json(r.timing)},
          {"outputs", outputs_json(r.outputs)},
          {"validity", to_json(r.validity)}};
}

std::string result_file_name(const ResultRecord& r) {
  std::string name = r.workload.model;
  if (!r.workload.task.empty()) name += "-" + r.workload.task;
  return name + "-" + r.backend.name + "-" + std::string(precision_name(r.backend.options.precision)) + ".json";
}

void prepare_result_folder(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error(fmt::format("cannot create output folder {}: {}", dir.string(), ec.message()));
  if (!std::filesystem::is_directory(dir, ec))
    throw std::runtime_error(fmt::format("output folder {} is not a folder", dir.string()));
  // Probing with a real file also catches what access(2) misses: read-only mounts, ACLs.
  const auto probe = dir / ".edgebench-write-test";
  try {
    write_file_atomically(probe, std::string_view{});
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(fmt::format("output folder {} is not writable ({})", dir.string(), e.what()));
  }
  std::filesystem::remove(probe, ec);
}

std::filesystem::path write_result_record(const ResultRecord& r, const std::filesystem::path& dir) {
  const auto path = dir / result_file_name(r);
  write_file_atomically(path, to_json(r).dump(2) + "\n");
  return path;
}

std::string utc_now_iso8601() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace eb::bench
