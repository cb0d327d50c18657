#include "reports/record.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include <fmt/format.h>

#include "reports/statistics.h"

namespace eb::reports {
namespace {

using nlohmann::json;

constexpr int kSchemaVersion = 1;  // docs/result-schema.md
// A record nests about eight levels; thousands would overflow the stack of what recurses
// over the JSON (dump(), comparison, destruction in older nlohmann versions).
constexpr int kMaxRecordDepth = 64;

// A value of the input quoted in a message: scalars cut short, containers named, so that a
// hostile file cannot make the error line huge (nor dump() recurse through deep nesting).
std::string clip(const nlohmann::json& v) {
  if (v.is_array()) return "an array";
  if (v.is_object()) return "an object";
  constexpr std::size_t kMax = 40;
  std::string s = v.dump();
  if (s.size() > kMax) s = s.substr(0, kMax) + "...";
  return s;
}

// The value at a path of object keys, or nullptr when any step is missing or null.
const json* at(const json& j, std::initializer_list<const char*> path) {
  const json* cur = &j;
  for (const char* key : path) {
    if (!cur->is_object()) return nullptr;
    const auto it = cur->find(key);
    if (it == cur->end() || it->is_null()) return nullptr;
    cur = &*it;
  }
  return cur;
}

std::optional<double> number(const json* j) {
  if (!j || !j->is_number()) return std::nullopt;
  const double v = j->get<double>();
  return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
}

// A whole number that fits T, or nothing: a cast of 2.77e81 (or 1.5, or NaN) to an
// integer type would be undefined behaviour or a silent change of value.
template <class T>
std::optional<T> whole(const json* j) {
  const auto v = number(j);
  if (!v || *v != std::floor(*v)) return std::nullopt;
  // T's range is [-2^digits, 2^digits), both exact as doubles (max() itself may not be).
  const double bound = std::ldexp(1.0, std::numeric_limits<T>::digits);
  if (*v < -bound || *v >= bound) return std::nullopt;
  return static_cast<T>(*v);
}

std::string text(const json* j, std::string fallback = {}) {
  if (!j) return fallback;
  if (j->is_string()) return j->get<std::string>();
  if (j->is_number() || j->is_boolean()) return j->dump();
  return fallback;
}

std::vector<double> numbers(const json* j) {
  std::vector<double> out;
  if (!j || !j->is_array()) return out;
  for (const auto& v : *j)
    if (v.is_number()) out.push_back(v.get<double>());
  return out;
}

std::vector<std::string> strings(const json* j) {
  std::vector<std::string> out;
  if (!j || !j->is_array()) return out;
  for (const auto& v : *j)
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

// A provenance object. One that is missing or unreadable is not trusted as a measurement:
// it reads as modeled with an "unknown" source, so it is marked wherever it is shown.
Provenance provenance(const json* j, std::vector<std::string>& warnings, std::string_view what) {
  if (j && j->is_object()) {
    const json* kind = at(*j, {"kind"});
    if (kind && kind->is_string()) {
      try {
        return Provenance{parse_provenance_kind(kind->get<std::string>()), text(at(*j, {"source"}))};
      } catch (const std::invalid_argument&) {
      }
    }
  }
  warnings.push_back(fmt::format("{}: provenance missing or unknown, shown as not measured", what));
  return Provenance::modeled("unknown provenance");
}

MaybeFigure figure(std::optional<double> v, const Provenance& p) {
  if (!v) return std::nullopt;
  return Figure{*v, p};
}

// An energy figure {"value", "unit", "provenance"}.
MaybeFigure energy_figure(const json& totals, const char* key, std::vector<std::string>& warnings) {
  const json* f = at(totals, {key});
  if (!f) return std::nullopt;
  const auto v = number(at(*f, {"value"}));
  if (!v) return std::nullopt;
  return Figure{*v, provenance(at(*f, {"provenance"}), warnings, key)};
}

void read_host(RecordView& r, const json& j) {
  const json* host = at(j, {"host"});
  if (!host || !host->is_object()) return;
  for (const auto& [key, value] : host->items()) {
    if (value.is_null())
      r.host.emplace_back(key, "–");
    else if (value.is_string())
      r.host.emplace_back(key, value.get<std::string>());
    else
      r.host.emplace_back(key, value.dump());
  }
}

void read_latency(RecordView& r, const json& j) {
  const json* timing = at(j, {"timing"});
  if (!timing) return;
  std::vector<std::string>& w = r.reader_warnings;
  const json* device = at(*timing, {"device"});
  if (device) {
    const Provenance dp = provenance(at(*device, {"provenance"}), w, "timing.device");
    auto samples = numbers(at(*device, {"samples_ns"}));
    if (dp.kind == Provenance::Kind::modeled && !samples.empty()) {
      r.latency_ns = std::move(samples);
      r.latency_provenance = dp;
      r.latency_basis = "device time (modeled)";
      for (const char* name : {"device", "transfers", "host"})
        if (const json* part = at(*device, {"parts", name})) {
          const auto ps = numbers(at(*part, {"samples_ns"}));
          if (ps.empty()) continue;
          const json* what = at(*part, {"what"});
          r.system_parts.push_back({name, what && what->is_string() ? what->get<std::string>() : std::string(),
                                    Figure{percentile_of(ps, 50), provenance(at(*part, {"provenance"}), w, "timing.device.parts")}});
        }
    } else if (dp.kind == Provenance::Kind::measured && dp.source.starts_with(kPeerTimeSource) && !samples.empty()) {
      // A peer runtime in its own process (backends/onnxruntime): its own timing of each
      // inference, without the exchange of tensors between the processes that the host
      // wall time also holds, so it compares with an in-process backend's wall time.
      r.latency_ns = std::move(samples);
      r.latency_provenance = dp;
      r.latency_basis = "peer runtime time (measured)";
    }
  }
  if (r.latency_ns.empty()) {
    r.latency_provenance = provenance(at(*timing, {"provenance"}), w, "timing");
    r.latency_ns = numbers(at(*timing, {"samples_ns"}));
    r.latency_basis = "host wall time";
  }
  if (!r.latency_ns.empty()) {
    r.p50_ns = Figure{percentile_of(r.latency_ns, 50), r.latency_provenance};
    r.p90_ns = Figure{percentile_of(r.latency_ns, 90), r.latency_provenance};
    r.p99_ns = Figure{percentile_of(r.latency_ns, 99), r.latency_provenance};
    r.mean_ns = Figure{mean_of(r.latency_ns), r.latency_provenance};
  } else if (const json* stats = at(*timing, {"stats"})) {  // abridged record: figures without samples
    r.latency_basis = "stats only";
    r.p50_ns = figure(number(at(*stats, {"p50_ns"})), r.latency_provenance);
    r.p90_ns = figure(number(at(*stats, {"p90_ns"})), r.latency_provenance);
    r.p99_ns = figure(number(at(*stats, {"p99_ns"})), r.latency_provenance);
    r.mean_ns = figure(number(at(*stats, {"mean_ns"})), r.latency_provenance);
  }
  const bool device_model = r.latency_basis == "device time (modeled)";
  if (r.mean_ns && r.mean_ns->value > 0 && (device_model || r.scenario == "single-stream")) {
    r.throughput_per_s = Figure{r.batch * 1e9 / r.mean_ns->value, r.latency_provenance};
  } else if (const auto sps = number(at(*timing, {"samples_per_s"})); sps && *sps > 0) {
    r.throughput_per_s = Figure{*sps, r.latency_provenance};
  } else {
    r.throughput_per_s = figure(number(at(*timing, {"throughput_per_s"})), r.latency_provenance);
  }
}

// Power over time: counters (J) are differenced into mean power between samples.
void read_trace(RecordView& r, const json* trace, const std::string& phase, std::optional<double>& t_origin) {
  if (!trace) return;
  const auto start = number(at(*trace, {"start_ns"}));
  const auto stop = number(at(*trace, {"stop_ns"}));
  const json* sources = at(*trace, {"sources"});
  if (!sources || !sources->is_array()) return;
  for (const auto& s : *sources) {
    const auto t = numbers(at(s, {"samples", "t_ns"}));
    const auto v = numbers(at(s, {"samples", "value"}));
    if (t.empty() || t.size() != v.size()) continue;
    if (!t_origin) t_origin = start ? *start : t.front();
  }
  if (!t_origin) return;
  if (start && stop) r.phases.push_back({phase, (*start - *t_origin) * 1e-9, (*stop - *t_origin) * 1e-9});
  for (const auto& s : *sources) {
    const auto t = numbers(at(s, {"samples", "t_ns"}));
    const auto v = numbers(at(s, {"samples", "value"}));
    if (t.empty() || t.size() != v.size()) continue;
    PowerSeries series;
    series.source = text(at(s, {"source", "name"}), "?");
    series.phase = phase;
    series.provenance = provenance(at(s, {"source", "provenance"}), r.reader_warnings, "power source " + series.source);
    const bool counter = text(at(s, {"source", "kind"})) == "counter";
    for (std::size_t i = 0; i < t.size(); ++i) {
      if (counter) {
        if (i == 0) continue;
        const double dt = (t[i] - t[i - 1]) * 1e-9;
        if (dt <= 0 || v[i] < v[i - 1]) continue;  // a wrap: skip that interval
        series.t_s.push_back((t[i] - *t_origin) * 1e-9);
        series.watts.push_back((v[i] - v[i - 1]) / dt);
      } else {
        series.t_s.push_back((t[i] - *t_origin) * 1e-9);
        series.watts.push_back(v[i]);
      }
    }
    if (!series.t_s.empty()) r.power_series.push_back(std::move(series));
  }
}

void read_power(RecordView& r, const json& j) {
  const json* power = at(j, {"power"});
  if (!power) {
    r.energy_note = "no power measurement (--power none)";
    return;
  }
  std::optional<double> origin;
  read_trace(r, at(*power, {"idle_trace"}), "idle", origin);
  read_trace(r, at(*power, {"trace"}), "busy", origin);
  // One counted busy channel: its samples can be resampled with the latency samples.
  std::vector<const PowerSeries*> busy;
  for (const auto& s : r.power_series)
    if (s.phase == "busy") busy.push_back(&s);
  if (busy.size() == 1 && busy.front()->watts.size() >= 2) r.power_samples_w = busy.front()->watts;

  const json* totals = at(*power, {"energy", "totals"});
  if (!totals) {
    std::string why = text(at(*power, {"not_measured"}));
    if (why.empty()) {
      const auto warnings = strings(at(*power, {"energy", "warnings"}));
      why = warnings.empty() ? "no energy total in the record" : warnings.front();
    }
    r.energy_note = why;
    return;
  }
  r.mean_power_w = energy_figure(*totals, "mean_w", r.reader_warnings);
  r.mj_per_inference = energy_figure(*totals, "gross_mj_per_inference", r.reader_warnings);
  r.inferences_per_j = energy_figure(*totals, "inferences_per_gross_j", r.reader_warnings);
  r.net_mj_per_inference = energy_figure(*totals, "net_mj_per_inference", r.reader_warnings);
  r.net_inferences_per_j = energy_figure(*totals, "inferences_per_net_j", r.reader_warnings);
  r.energy_note = "gross: everything the counted sources measured over the timed phase";

  // With a modeled device time, the host window timed the simulator: energy per inference
  // is the mean power over the modeled device latency instead.
  if (r.latency_basis == "device time (modeled)" && r.mean_power_w && r.mean_ns && r.mean_ns->value > 0) {
    const Provenance p = Provenance::modeled(
        fmt::format("mean power ({}) x modeled device latency ({})", r.mean_power_w->provenance.source, r.latency_provenance.source));
    const double mj = r.mean_power_w->value * r.mean_ns->value * 1e-9 * 1e3 / std::max(r.batch, 1);
    r.mj_per_inference = Figure{mj, p};
    r.inferences_per_j = Figure{1e3 / mj, p};
    r.net_mj_per_inference.reset();
    r.net_inferences_per_j.reset();
    r.energy_note = "mean power x modeled device latency (the host window timed the simulator)";
  }
}

// Headline accuracy in percent, from whichever evaluation the record carries.
void read_accuracy(RecordView& r, const json& j) {
  const json* acc = at(j, {"accuracy"});
  if (!acc || !acc->is_object()) return;
  // `edgebench run --dataset` writes the task metric under accuracy.dataset; abridged
  // records (and older fixtures) carry it at accuracy's top level.
  if (const json* dataset = at(*acc, {"dataset"}); dataset && dataset->is_object()) acc = dataset;
  const Provenance p = at(*acc, {"provenance"}) ? provenance(at(*acc, {"provenance"}), r.reader_warnings, "accuracy")
                                                : Provenance::measured("accuracy evaluation on this host");
  if (auto ap = number(at(*acc, {"summary", "AP"}))) {
    r.accuracy = Figure{*ap * 100, p};
    r.accuracy_metric = "COCO mAP";
  } else if (auto miou = number(at(*acc, {"segmentation", "miou"}))) {
    r.accuracy = Figure{*miou * 100, p};
    r.accuracy_metric = "mIoU";
  } else if (auto d1 = number(at(*acc, {"depth", "delta1"}))) {
    r.accuracy = Figure{*d1 * 100, p};
    r.accuracy_metric = "depth delta1";
  } else if (auto v = number(at(*acc, {"value"}))) {
    r.accuracy = Figure{*v, p};
    r.accuracy_metric = text(at(*acc, {"metric"}), "accuracy");
  }
}

void read_profile(RecordView& r, const json& j) {
  const json* nodes = at(j, {"profile", "nodes"});
  if (!nodes || !nodes->is_array()) return;
  for (const auto& n : *nodes) {
    const auto ns = number(at(n, {"mean_ns"}));
    if (!ns) continue;
    if (r.profile.empty()) r.profile_provenance = provenance(at(n, {"provenance"}), r.reader_warnings, "profile");
    r.profile.push_back({text(at(n, {"node"}), "?"), text(at(n, {"op"}), "?"), *ns, number(at(n, {"share"})).value_or(0)});
  }
}

}  // namespace

std::string RecordView::workload_key() const {
  return fmt::format("{}{} b{} {}", model, task.empty() ? "" : "/" + task, batch, scenario);
}

std::string RecordView::backend_label() const {
  std::string label = precision.empty() ? backend : backend + " " + precision;
  return settings.empty() ? label : label + " [" + settings + "]";
}

RecordView record_from_json(const json& j, const std::filesystem::path& file) {
  const std::string name = file.string();
  if (!j.is_object()) throw RecordError(fmt::format("{}: not an edgebench result record (not a JSON object)", name));
  RecordView r;
  r.file = file;
  r.model = text(at(j, {"workload", "model"}));
  r.backend = text(at(j, {"backend", "name"}));
  if (r.model.empty() || r.backend.empty())
    throw RecordError(fmt::format("{}: not an edgebench result record (no workload.model or backend.name)", name));
  // Only a version this reader knows: fields of another may mean something else.
  if (const json* v = at(j, {"schema_version"}); !v)
    throw RecordError(fmt::format("{}: no schema_version (this reader knows version {})", name, kSchemaVersion));
  else if (whole<int>(v) != kSchemaVersion)
    throw RecordError(fmt::format("{}: schema_version {} is not one this reader knows ({})", name, clip(*v), kSchemaVersion));
  r.schema_version = kSchemaVersion;
  if (!at(j, {"timing"}) || !at(j, {"timing"})->is_object())
    throw RecordError(fmt::format("{}: no timing section (a record always has one, even a failed run's)", name));
  for (const auto& [where, samples] : {std::pair{"timing.samples_ns", at(j, {"timing", "samples_ns"})},
                                       std::pair{"timing.device.samples_ns", at(j, {"timing", "device", "samples_ns"})}}) {
    if (!samples) continue;
    if (!samples->is_array()) throw RecordError(fmt::format("{}: {} is not an array", name, where));
    for (const auto& x : *samples)
      if (!x.is_number() || !std::isfinite(x.get<double>()) || x.get<double>() < 0)
        throw RecordError(fmt::format("{}: {} holds {}, not a latency in ns", name, where, clip(x)));
  }
  r.created = text(at(j, {"created"}));
  r.command = text(at(j, {"command"}));
  r.tool_version = text(at(j, {"tool", "version"}));
  r.git_revision = text(at(j, {"tool", "git_revision"}));
  read_host(r, j);
  r.task = text(at(j, {"workload", "task"}));
  if (const json* batch = at(j, {"workload", "batch"})) {
    const auto b = whole<int>(batch);
    if (!b || *b < 1) throw RecordError(fmt::format("{}: workload.batch {} is not a batch size", name, clip(*batch)));
    r.batch = *b;
  }
  for (auto [key, field] : {std::pair{"params", &r.params}, std::pair{"macs", &r.macs}}) {
    const json* v = at(j, {"workload", key});
    if (!v) continue;
    if (const auto n = whole<std::int64_t>(v); n && *n >= 0)
      *field = *n;
    else
      r.reader_warnings.push_back(fmt::format("workload.{} {} is not a count, shown as 0", key, clip(*v)));
  }
  r.scenario = text(at(j, {"scenario", "name"}), "single-stream");
  r.device = text(at(j, {"backend", "device"}));
  r.precision = text(at(j, {"backend", "precision"}));
  if (const auto threads = whole<int>(at(j, {"backend", "threads"})); threads && *threads != 0)
    r.settings = fmt::format("threads {}", *threads);
  if (const json* options = at(j, {"backend", "options"}); options && options->is_object())
    for (const auto& [key, value] : options->items())  // in key order
      r.settings += (r.settings.empty() ? "" : ", ") + key + "=" + (value.is_string() ? value.get<std::string>().substr(0, 40) : clip(value));
  read_latency(r, j);
  read_power(r, j);
  if (r.backend == "cpu" && !r.inferences_per_j && r.energy_note.find("cpu.tdp_watts") == std::string::npos)
    r.energy_note += std::string("; ") + kCpuEnergyHint;
  read_accuracy(r, j);
  read_profile(r, j);
  if (const json* verdict = at(j, {"validity", "verdict"}); verdict && verdict->is_string()) {
    r.verdict_known = true;
    r.valid = verdict->get<std::string>() == "VALID";
  }
  r.reasons = strings(at(j, {"validity", "reasons"}));
  // A failed backend's reason reads better with what it threw.
  if (const std::string error = text(at(j, {"validity", "error"})); !error.empty())
    for (auto& reason : r.reasons)
      if (reason == "failed") reason = "failed: " + error;
  r.notes = strings(at(j, {"validity", "notes"}));
  r.warnings = strings(at(j, {"validity", "warnings"}));
  return r;
}

RecordView load_record(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw RecordError(fmt::format("{}: cannot read the file", file.string()));
  std::stringstream buf;
  buf << in.rdbuf();
  if (in.bad()) throw RecordError(fmt::format("{}: cannot read the file", file.string()));
  return parse_record(buf.str(), file);
}

RecordView parse_record(std::string_view text, const std::filesystem::path& file) {
  // Records nest a handful of levels; deeper input is hostile (see kMaxRecordDepth).
  const json::parser_callback_t limit_depth = [&file](int depth, json::parse_event_t, json&) {
    if (depth > kMaxRecordDepth)
      throw RecordError(fmt::format("{}: nested deeper than {} levels (not a result record)", file.string(), kMaxRecordDepth));
    return true;
  };
  json j;
  try {
    j = json::parse(text, limit_depth);
  } catch (const json::parse_error& e) {
    throw RecordError(fmt::format("{}: malformed JSON ({})", file.string(), e.what()));
  }
  return record_from_json(j, file);
}

std::vector<RecordView> load_records(const std::vector<std::filesystem::path>& inputs) {
  std::vector<RecordView> out;
  for (const auto& input : inputs) {
    std::error_code ec;
    if (std::filesystem::is_directory(input, ec)) {
      std::vector<std::filesystem::path> files;
      for (const auto& e : std::filesystem::directory_iterator(input, ec))
        if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
      if (ec) throw RecordError(fmt::format("{}: cannot list the folder ({})", input.string(), ec.message()));
      if (files.empty()) throw RecordError(fmt::format("{}: no *.json result records in this folder", input.string()));
      std::sort(files.begin(), files.end());
      for (const auto& f : files) out.push_back(load_record(f));
    } else if (std::filesystem::exists(input, ec)) {
      out.push_back(load_record(input));
    } else {
      throw RecordError(fmt::format("{}: no such file or folder", input.string()));
    }
  }
  return out;
}

}  // namespace eb::reports
