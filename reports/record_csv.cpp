#include "reports/record_csv.h"

#include <fmt/format.h>

#include "reports/text_format.h"

namespace eb::reports {
namespace {

struct Column {
  const char* name;
  MaybeFigure RecordView::*field;
  double scale;
};

// Figures with their provenance columns (name, name_provenance, name_source).
constexpr Column kFigures[] = {
    {"p50_ms", &RecordView::p50_ns, 1e-6},
    {"p90_ms", &RecordView::p90_ns, 1e-6},
    {"p99_ms", &RecordView::p99_ns, 1e-6},
    {"mean_ms", &RecordView::mean_ns, 1e-6},
    {"throughput_per_s", &RecordView::throughput_per_s, 1},
    {"mean_power_w", &RecordView::mean_power_w, 1},
    {"mj_per_inference", &RecordView::mj_per_inference, 1},
    {"inferences_per_j", &RecordView::inferences_per_j, 1},
    {"net_mj_per_inference", &RecordView::net_mj_per_inference, 1},
    {"net_inferences_per_j", &RecordView::net_inferences_per_j, 1},
    {"accuracy", &RecordView::accuracy, 1},
};

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : "; ") + s;
  return out;
}

}  // namespace

std::string records_csv(const std::vector<RecordView>& records) {
  std::vector<std::string> header = {"file", "created", "model", "task", "batch", "scenario", "backend", "precision", "device",
                                     "samples", "latency_basis"};
  for (const auto& c : kFigures) {
    header.emplace_back(c.name);
    header.push_back(std::string(c.name) + "_provenance");
    header.push_back(std::string(c.name) + "_source");
  }
  for (const char* h : {"accuracy_metric", "energy_note", "verdict", "reasons", "warnings", "notes", "tool_version",
                        "git_revision", "command"})
    header.emplace_back(h);
  std::string out = csv_line(header);
  for (const auto& r : records) {
    std::vector<std::string> row = {r.file.string(), r.created, r.model, r.task, std::to_string(r.batch), r.scenario,
                                    r.backend, r.precision, r.device, std::to_string(r.latency_ns.size()), r.latency_basis};
    for (const auto& c : kFigures) {
      const MaybeFigure& f = r.*(c.field);
      row.push_back(f ? fmt::format("{:.6g}", f->value * c.scale) : "");
      row.push_back(f ? std::string(provenance_kind_name(f->provenance.kind)) : "");
      row.push_back(f ? f->provenance.source : "");
    }
    row.push_back(r.accuracy_metric);
    row.push_back(r.energy_note);
    row.push_back(r.verdict_known ? (r.valid ? "VALID" : "INVALID") : "");
    row.push_back(join(r.reasons));
    std::vector<std::string> warnings = r.warnings;
    warnings.insert(warnings.end(), r.reader_warnings.begin(), r.reader_warnings.end());
    row.push_back(join(warnings));
    row.push_back(join(r.notes));
    row.push_back(r.tool_version);
    row.push_back(r.git_revision);
    row.push_back(r.command);
    out += csv_line(row);
  }
  return out;
}

}  // namespace eb::reports
