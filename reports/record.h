// A result record as the reports read it: the figures a comparison needs, each with its
// provenance, pulled defensively out of the JSON that `edgebench run` writes
// (docs/result-schema.md). A field that is missing, null or of the wrong type is simply
// absent here (shown as "–"); fields this reader does not know are ignored, so records
// from newer versions of the harness still load.
//
// Which latency a record stands for: the host wall time of each query, unless the
// backend reports a *modeled* device time (a model of hardware that is not present, such
// as the FPGA datapath): the host time then measures the simulator, not the device, and
// the modeled time is used — marked modeled wherever it is shown.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/provenance.h"

namespace eb::reports {

// A record that cannot be read: the message names the file.
class RecordError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A number and where it came from.
struct Figure {
  double value = 0;
  Provenance provenance;
  bool modeled() const { return provenance.kind != Provenance::Kind::measured; }
};
using MaybeFigure = std::optional<Figure>;

struct PowerSeries {
  std::string source;  // channel name ("rapl:package-0", "model")
  std::string phase;   // "busy" or "idle"
  Provenance provenance;
  std::vector<double> t_s;      // seconds from the first sample of the record's traces
  std::vector<double> watts;    // power at t (counters are differenced into mean power)
};

struct PhaseSpan {
  std::string name;  // "idle", "busy"
  double start_s = 0, stop_s = 0;
};

struct ProfileNode {
  std::string node, op;
  double mean_ns = 0;
  double share = 0;
};

struct RecordView {
  std::filesystem::path file;
  int schema_version = 0;
  std::string created, command, tool_version, git_revision;
  std::vector<std::pair<std::string, std::string>> host;  // host section flattened, in record order

  std::string model, task, scenario = "single-stream";
  int batch = 1;
  std::int64_t params = 0, macs = 0;
  std::string backend, device, precision;
  // Backend settings that change the measurement, "threads 2, fpga.clock_mhz=250"; empty
  // for the defaults. (Model, task, batch and scenario are in workload_key; precision in
  // backend_label. --no-fallback is not: a run it allows is the same run without it.)
  std::string settings;

  // Latency: the samples the figures come from (see above), in ns, and their provenance.
  std::vector<double> latency_ns;
  std::string latency_basis;  // "host wall time" | "device time (modeled)" | "peer runtime time (measured)" | "stats only"
  Provenance latency_provenance;
  MaybeFigure p50_ns, p90_ns, p99_ns, mean_ns;
  MaybeFigure throughput_per_s;
  // The parts of a device's system time (timing.device.parts): "device", "transfers",
  // "host", each its median and provenance, in that order; empty when it has none.
  struct TimePart {
    std::string name, what;
    Figure p50_ns;
  };
  std::vector<TimePart> system_parts;

  // Energy (gross: everything the counted sources measured over the timed phase).
  MaybeFigure mean_power_w, mj_per_inference, inferences_per_j;
  MaybeFigure net_mj_per_inference, net_inferences_per_j;
  std::string energy_note;  // why there is no energy, or how it was derived
  std::vector<double> power_samples_w;  // busy-phase power samples of the counted total, for resampling
  std::vector<PowerSeries> power_series;
  std::vector<PhaseSpan> phases;

  MaybeFigure accuracy;  // headline accuracy in percent
  std::string accuracy_metric;

  std::vector<ProfileNode> profile;
  Provenance profile_provenance;

  bool verdict_known = false;
  bool valid = false;
  std::vector<std::string> reasons, notes, warnings;
  std::vector<std::string> reader_warnings;  // what this reader could not make sense of

  std::string workload_key() const;  // "model[/task] b1 single-stream"
  std::string backend_label() const; // "cpu fp32", "cpu fp32 [threads 2]"
};

// Throws RecordError("FILE: why") for unreadable files, malformed JSON, or JSON that is not
// a result record this reader can trust: no workload model or backend name, a
// schema_version other than 1 (or none), no timing section, a latency sample that is
// negative or not a number, a batch that is not a positive integer, nesting deeper than 64.
// Counts (params, macs) that do not fit an int64 read as 0 with a reader warning.
RecordView load_record(const std::filesystem::path& file);
// The same from the file's text (`file` names it in errors).
RecordView parse_record(std::string_view text, const std::filesystem::path& file);
RecordView record_from_json(const nlohmann::json& j, const std::filesystem::path& file);

// How a cpu record without energy gets a figure: the TDP model (modeled, never measured).
// Part of such a record's energy_note, and of compare's notes.
inline constexpr const char* kCpuEnergyHint =
    "for a modeled figure give the CPU's TDP: edgebench run --backend cpu --power model --backend-option cpu.tdp_watts=W";

// Files as given; folders contribute every *.json directly inside, in name order.
// Throws RecordError for a path that does not exist, a folder with no *.json, or any bad file.
std::vector<RecordView> load_records(const std::vector<std::filesystem::path>& inputs);

}  // namespace eb::reports
