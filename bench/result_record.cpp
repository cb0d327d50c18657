#include "bench/result_record.h"

#include <chrono>
#include <ctime>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

#include "bench/power/power_json.h"
#include "bench/provenance_json.h"
#include "bench/weights_hash.h"
#include "core/atomic_file.h"
#include "core/version.h"

namespace eb::bench {
namespace {

using nlohmann::json;

json stats_json(const std::optional<LatencyStats>& maybe) {
  if (!maybe) return nullptr;
  const LatencyStats& s = *maybe;
  json bound = nullptr;
  if (s.p90_upper_99_ns) bound = *s.p90_upper_99_ns;
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
          {"percentile_method", "nearest-rank"},
          {"p90_upper_bound_99_ns", bound},
          {"early_stopping",
           {{"percentile", kEarlyStoppingPercentile},
            {"confidence", kEarlyStoppingConfidence},
            {"rank", s.p90_upper_99_rank ? json(*s.p90_upper_99_rank) : json(nullptr)},
            {"method", s.count > kExactBinomialLimit ? "normal approximation" : "exact binomial"}}},
          {"cv_warning", s.cv > kCvWarningThreshold}};
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
          {"resolved_options", b.resolved_options},
          {"executable_info", b.executable_info},
          {"partition",
           {{"summary", p.summary()},
            {"delegated_nodes", p.delegated_nodes},
            {"total_nodes", p.total_nodes},
            {"delegated_macs", p.delegated_macs},
            {"total_macs", p.total_macs},
            {"partitions", partitions},
            {"fallback_ops", p.fallback_ops},
            {"fallback_reasons", p.fallback_reasons}}}};
}

json scenario_json(const ScenarioFacts& s) {
  const MeasureSettings& m = s.settings;
  const StopRule& r = m.stop;
  json warmup = {{"kind", m.warmup.kind == WarmupSpec::Kind::count ? "count" : "duration"}};
  if (m.warmup.kind == WarmupSpec::Kind::count)
    warmup["count"] = m.warmup.count;
  else
    warmup["seconds"] = to_seconds(m.warmup.duration);
  return {{"name", s.name()},
          {"warmup", s.warmup_queries},
          {"iterations", s.timed_queries},
          {"warmup_spec", std::move(warmup)},
          {"warmup_ns", s.warmup_ns},
          {"stop_rule",
           {{"min_duration_s", to_seconds(r.min_duration)},
            {"min_queries", r.min_queries},
            {"max_duration_s", r.max_duration.count() > 0 ? json(to_seconds(r.max_duration)) : json(nullptr)},
            {"max_queries", r.max_queries > 0 ? json(r.max_queries) : json(nullptr)},
            {"from_iterations", m.iterations_shorthand}}},
          {"stopped_by", s.interrupted ? "interrupt" : std::string(stop_verdict_name(s.stop))},
          {"interrupted", s.interrupted},
          {"samples", {{"count", s.sample_seeds.size()}, {"input_seeds", s.sample_seeds}}},
          {"sample_order", {{"seed", m.order_seed}, {"method", "Fisher-Yates shuffle of the pool per pass, SplitMix64"}}}};
}

json profile_json(const ProfileFacts& p) {
  json nodes = json::array();
  for (const auto& e : p.nodes)
    nodes.push_back(
        {{"node", e.node.node}, {"op", e.node.op}, {"mean_ns", e.node.ns}, {"share", e.share}, {"provenance", to_json(e.node.provenance)}});
  return {{"runs", p.runs}, {"nodes", std::move(nodes)}};
}

json power_section_json(const PowerFacts& p) {
  return {{"selection", p.selection},
          {"energy", p.energy ? to_json(*p.energy) : json(nullptr)},
          {"trace", p.trace},
          {"idle_trace", p.idle_trace},
          {"not_measured", p.not_measured.empty() ? json(nullptr) : json(p.not_measured)}};
}

json timing_json(const TimingFacts& t) {
  json j = {{"provenance", to_json(t.provenance)},
            {"compile_ns", t.compile_ns},
            {"first_inference_ns", t.first_inference_ns},
            {"samples_ns", t.samples_ns},
            {"sample_indices", t.sample_indices},
            {"phase_ns", t.phase_ns},
            {"stats", stats_json(t.stats)},
            {"throughput_per_s", t.throughput_per_s},
            {"samples_per_s", t.samples_per_s},
            {"host_load", t.host_load ? to_json(*t.host_load) : json(nullptr)}};
  if (t.device) {
    j["device"] = {{"provenance", to_json(t.device->provenance)},
                   {"samples_ns", t.device->samples_ns},
                   {"stats", stats_json(t.device->stats)}};
    const auto part = [&](const DeviceTimingPart& p) {
      return nlohmann::json{{"provenance", to_json(p.provenance)}, {"what", p.what}, {"samples_ns", p.samples_ns}, {"stats", stats_json(p.stats)}};
    };
    if (t.device->device && (t.device->host || t.device->transfers)) {
      j["device"]["parts"] = {{"device", part(*t.device->device)}};
      if (t.device->host) j["device"]["parts"]["host"] = part(*t.device->host);
      if (t.device->transfers) j["device"]["parts"]["transfers"] = part(*t.device->transfers);
    }
  }
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
  t.sample_indices = timings.sample_indices;
  t.phase_ns = timings.phase_ns;
  if (!t.samples_ns.empty()) {
    t.stats = compute_latency_stats(std::span<const std::int64_t>(t.samples_ns));
    t.throughput_per_s = t.stats->mean_ns > 0 ? static_cast<double>(batch) * 1e9 / t.stats->mean_ns : 0.0;
  }
  if (t.phase_ns > 0)
    t.samples_per_s = static_cast<double>(t.samples_ns.size()) * static_cast<double>(batch) * 1e9 / static_cast<double>(t.phase_ns);
  if (!timings.device_samples_ns.empty() && timings.device_provenance) {
    t.device = DeviceTiming{timings.device_samples_ns, compute_latency_stats(std::span<const double>(timings.device_samples_ns)),
                            *timings.device_provenance, std::nullopt, std::nullopt, std::nullopt};
    const std::size_t n = timings.device_samples_ns.size();
    const bool has_host = timings.device_host_ns.size() == n;
    const bool has_transfers = timings.device_transfer_ns.size() == n && timings.device_transfer_provenance;
    if (has_host || has_transfers) {
      std::vector<double> own(timings.device_samples_ns);
      for (std::size_t i = 0; i < n; ++i) {
        if (has_host) own[i] -= timings.device_host_ns[i];
        if (has_transfers) own[i] -= timings.device_transfer_ns[i];
      }
      const Provenance& dp = *timings.device_provenance;
      t.device->device = DeviceTimingPart{own, compute_latency_stats(std::span<const double>(own)), dp, "the device"};
      // The sum keeps the device's kind (a modeled part makes the whole modeled) and says
      // what it adds up.
      if (has_transfers) {
        t.device->transfers = DeviceTimingPart{timings.device_transfer_ns,
                                               compute_latency_stats(std::span<const double>(timings.device_transfer_ns)),
                                               *timings.device_transfer_provenance, timings.device_transfer_what};
        t.device->provenance.source += " + transfers " + timings.device_transfer_provenance->source;
      }
      if (has_host) {
        t.device->host = DeviceTimingPart{timings.device_host_ns, compute_latency_stats(std::span<const double>(timings.device_host_ns)),
                                          Provenance::measured("steady_clock, on this host"), timings.device_host_what};
        t.device->provenance.source += " + host share measured on this host (steady_clock): " + timings.device_host_what;
      }
    }
  }
  t.host_load = timings.host_load;
  return t;
}

ScenarioFacts make_scenario_facts(const MeasureSettings& settings, const SamplePool& pool, const Timings& timings) {
  ScenarioFacts s;
  s.settings = settings;
  s.sample_seeds = pool.seeds;
  s.warmup_queries = timings.warmup_queries;
  s.warmup_ns = timings.warmup_ns;
  s.timed_queries = static_cast<std::int64_t>(timings.samples_ns.size());
  s.stop = timings.stop;
  s.interrupted = timings.interrupted;
  return s;
}

json to_json(const ResultRecord& r) {
  return {{"schema_version", kResultSchemaVersion},
          {"tool", {{"name", r.tool.name}, {"version", r.tool.version}, {"git_revision", r.tool.git_revision}}},
          {"created", r.created},
          {"command", r.command_line},
          {"host", to_json(r.host)},
          {"workload", workload_json(r.workload)},
          {"backend", backend_json(r.backend)},
          {"scenario", scenario_json(r.scenario)},
          {"timing", timing_json(r.timing)},
          {"outputs", outputs_json(r.outputs)},
          {"power", r.power ? power_section_json(*r.power) : json(nullptr)},
          {"profile", r.profile ? profile_json(*r.profile) : json(nullptr)},
          {"accuracy", r.accuracy},
          {"validity", to_json(r.validity)}};
}

std::string result_file_name(const ResultRecord& r) {
  // Appended piece by piece: g++ 12 at -O3 warns falsely (-Wrestrict) on "-" + string.
  std::string name = r.workload.model;
  const auto part = [&name](std::string_view p) { name.append("-").append(p); };
  if (!r.workload.task.empty()) part(r.workload.task);
  part(r.backend.name);
  part(precision_name(r.backend.options.precision));
  if (r.scenario.settings.scenario != Scenario::single_stream) part(r.scenario.name());
  return name + ".json";
}

namespace {

// A temporary record file (core/atomic_file.cpp: ".<name>.json.tmp-XXXXXX") that a killed
// run left behind. A live one exists for the milliseconds of one write, so one older than
// a minute is stale.
bool is_stale_temporary(const std::filesystem::directory_entry& e) {
  if (!is_atomic_write_temporary(e.path(), ".json")) return false;
  std::error_code ec;
  if (!e.is_regular_file(ec)) return false;
  const auto age = std::filesystem::file_time_type::clock::now() - e.last_write_time(ec);
  return !ec && age > std::chrono::minutes(1);
}

}  // namespace

void prepare_result_folder(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error(fmt::format("cannot create output folder {}: {}", dir.string(), ec.message()));
  if (!std::filesystem::is_directory(dir, ec))
    throw std::runtime_error(fmt::format("output folder {} is not a folder", dir.string()));
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (is_stale_temporary(e)) std::filesystem::remove(e.path(), ec);
  // Probing with a real file also catches what access(2) misses: read-only mounts, ACLs.
  const auto probe = dir / ".edgebench-write-test";
  try {
    write_file_atomically(probe, std::string_view{});
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(fmt::format("output folder {} is not writable ({})", dir.string(), e.what()));
  }
  std::filesystem::remove(probe, ec);
}

namespace {

// Whether `path` holds a record marked VALID. Anything unreadable is not worth keeping.
bool holds_valid_record(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  const json j = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return false;
  const auto v = j.find("validity");
  if (v == j.end() || !v->is_object()) return false;
  const auto verdict = v->find("verdict");
  return verdict != v->end() && *verdict == "VALID";
}

}  // namespace

std::filesystem::path write_result_record(const ResultRecord& r, const std::filesystem::path& dir) {
  auto path = dir / result_file_name(r);
  if (!r.validity.valid && holds_valid_record(path)) path += ".invalid";  // not *.json: a folder scan keeps reading the VALID one
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
