#include "reports/compare_render.h"

#include <fmt/format.h>

#include "reports/text_format.h"

namespace eb::reports {
namespace {

using nlohmann::json;

std::vector<std::string> header(const CompareGroup& g) {
  const std::string vs = g.baseline.empty() ? "baseline" : g.baseline;
  return {"backend", "runs", "samples", "p50", "p90", "p99", "throughput", "power", "mJ/inf", "inf/J", "accuracy",
          "speed-up vs " + vs, "energy eff. vs " + vs, "U test"};
}

const std::vector<bool> kRight = {false, true, true, true, true, true, true, true, true, true, true, false, false, false};

std::vector<std::string> cells(const CompareRow& r) {
  std::string acc = kMissing;
  if (r.accuracy) acc = format_figure(r.accuracy, "", 3) + " " + r.accuracy_metric;
  return {r.label() + (r.invalid.empty() ? "" : " (INVALID)"),
          std::to_string(r.records.size()),
          std::to_string(r.samples),
          format_latency(r.p50_ns),
          format_latency(r.p90_ns),
          format_latency(r.p99_ns),
          format_figure(r.throughput_per_s, "/s"),
          format_figure(r.mean_power_w, "W"),
          format_figure(r.mj_per_inference, ""),
          format_figure(r.inferences_per_j, ""),
          acc,
          r.is_baseline ? "baseline" : r.speedup ? format_ratio(r.speedup->interval, r.speedup->modeled) : kMissing,
          r.is_baseline ? "baseline"
          : r.energy_efficiency ? format_ratio(r.energy_efficiency->interval, r.energy_efficiency->modeled)
                                : kMissing,
          r.is_baseline ? "" : r.u_test ? format_u_test(*r.u_test, r.u_test_modeled) : kMissing};
}

std::string footnotes(const Comparison& c, std::string_view bullet) {
  std::string out;
  if (!c.modeled.empty()) {
    out += fmt::format("{} modeled (not measured on this host):\n", kModeledMark);
    for (const auto& f : c.modeled) out += fmt::format("{}{} {}: {}\n", bullet, f.row, f.what, f.source);
  }
  if (!c.notes.empty()) out += out.empty() ? "notes:\n" : "\nnotes:\n";
  for (const auto& n : c.notes) out += fmt::format("{}{}\n", bullet, n);
  return out;
}

json figure_json(const MaybeFigure& f) {
  if (!f) return nullptr;
  return {{"value", f->value},
          {"modeled", f->modeled()},
          {"provenance", {{"kind", provenance_kind_name(f->provenance.kind)}, {"source", f->provenance.source}}}};
}

json ratio_json(const std::optional<Ratio>& r) {
  if (!r) return nullptr;
  return {{"estimate", r->interval.estimate},
          {"ci95_low", r->interval.low},
          {"ci95_high", r->interval.high},
          {"resamples", r->interval.resamples},
          {"modeled", r->modeled}};
}

std::string fixed(const MaybeFigure& f, double scale = 1) { return f ? fmt::format("{:.6g}", f->value * scale) : ""; }
std::string kind(const MaybeFigure& f) { return f ? std::string(provenance_kind_name(f->provenance.kind)) : ""; }
std::string source(const MaybeFigure& f) { return f ? f->provenance.source : ""; }

}  // namespace

std::string render_compare_table(const Comparison& c, bool colour) {
  std::string out;
  for (const auto& g : c.groups) {
    out += fmt::format("{}{}\n", g.workload, g.baseline.empty() ? " (no baseline)" : " (baseline: " + g.baseline + ")");
    TextTable t(header(g), kRight);
    for (const auto& r : g.rows) t.add_row(cells(r));
    out += t.render(colour, "  ");
    for (const auto& r : g.rows) {
      out += fmt::format("  {}: {} ({})\n", r.label(), r.device.empty() ? kMissing : r.device, r.latency_basis);
      for (const auto& why : r.invalid) out += fmt::format("    INVALID {}\n", why);
    }
    out += "\n";
  }
  return out + footnotes(c, "  ");  // groups end with a blank line
}

std::string render_compare_markdown(const Comparison& c) {
  std::string out;
  for (const auto& g : c.groups) {
    out += fmt::format("### {}{}\n\n", markdown_escape(g.workload),
                       g.baseline.empty() ? " (no baseline)" : " (baseline: " + markdown_escape(g.baseline) + ")");
    const auto h = header(g);
    out += "|";
    for (const auto& cell : h) out += " " + markdown_escape(cell) + " |";
    out += "\n|";
    for (bool right : kRight) out += right ? " ---: |" : " --- |";
    out += "\n";
    for (const auto& r : g.rows) {
      out += "|";
      for (const auto& cell : cells(r)) out += " " + markdown_escape(cell) + " |";
      out += "\n";
    }
    out += "\n";
    for (const auto& r : g.rows) {
      out += fmt::format("- {}: {} ({})\n", markdown_escape(r.label()), markdown_escape(r.device.empty() ? kMissing : r.device),
                         r.latency_basis);
      for (const auto& why : r.invalid) out += fmt::format("  - INVALID {}\n", markdown_escape(why));
    }
    out += "\n";
  }
  return out + footnotes(c, "- ");
}

std::string render_compare_csv(const Comparison& c) {
  std::string out = csv_line({"workload", "backend", "precision", "device", "baseline", "runs", "samples", "latency_basis",
                              "p50_ms", "p90_ms", "p99_ms", "mean_ms", "latency_provenance", "latency_source",
                              "throughput_per_s", "mean_power_w", "power_provenance", "power_source", "mj_per_inference",
                              "inferences_per_j", "energy_provenance", "energy_source", "accuracy", "accuracy_metric",
                              "speedup", "speedup_ci_low", "speedup_ci_high", "speedup_modeled", "energy_efficiency",
                              "energy_efficiency_ci_low", "energy_efficiency_ci_high", "energy_efficiency_modeled",
                              "u_test_p", "u_test_effect", "invalid"});
  const auto ratio = [](const std::optional<Ratio>& r, int part) -> std::string {
    if (!r) return "";
    switch (part) {
      case 0: return fmt::format("{:.6g}", r->interval.estimate);
      case 1: return r->interval.resamples ? fmt::format("{:.6g}", r->interval.low) : "";
      case 2: return r->interval.resamples ? fmt::format("{:.6g}", r->interval.high) : "";
      default: return r->modeled ? "true" : "false";
    }
  };
  for (const auto& g : c.groups)
    for (const auto& r : g.rows) {
      std::string invalid;
      for (const auto& why : r.invalid) invalid += (invalid.empty() ? "" : "; ") + why;
      out += csv_line({g.workload, r.backend, r.precision, r.device, r.is_baseline ? "true" : "false",
                       std::to_string(r.records.size()), std::to_string(r.samples), r.latency_basis,
                       fixed(r.p50_ns, 1e-6), fixed(r.p90_ns, 1e-6), fixed(r.p99_ns, 1e-6), fixed(r.mean_ns, 1e-6),
                       kind(r.p50_ns), source(r.p50_ns), fixed(r.throughput_per_s), fixed(r.mean_power_w),
                       kind(r.mean_power_w), source(r.mean_power_w), fixed(r.mj_per_inference), fixed(r.inferences_per_j),
                       kind(r.mj_per_inference), source(r.mj_per_inference), fixed(r.accuracy), r.accuracy_metric,
                       ratio(r.speedup, 0), ratio(r.speedup, 1), ratio(r.speedup, 2), ratio(r.speedup, 3),
                       ratio(r.energy_efficiency, 0), ratio(r.energy_efficiency, 1), ratio(r.energy_efficiency, 2),
                       ratio(r.energy_efficiency, 3), r.u_test ? fmt::format("{:.6g}", r.u_test->p_value) : "",
                       r.u_test ? fmt::format("{:.6g}", r.u_test->effect) : "", invalid});
    }
  return out;
}

json compare_to_json(const Comparison& c) {
  json groups = json::array();
  for (const auto& g : c.groups) {
    json rows = json::array();
    for (const auto& r : g.rows) {
      json files = json::array();
      for (const RecordView* rec : r.records) files.push_back(rec->file.string());
      json u = nullptr;
      if (r.u_test)
        u = {{"u", r.u_test->u}, {"z", r.u_test->z}, {"p_value", r.u_test->p_value}, {"effect", r.u_test->effect},
             {"n", r.u_test->n_a}, {"n_baseline", r.u_test->n_b}, {"significant_5pct", r.u_test->significant()},
             {"modeled", r.u_test_modeled}};
      rows.push_back({{"backend", r.backend},
                      {"precision", r.precision},
                      {"device", r.device},
                      {"baseline", r.is_baseline},
                      {"records", files},
                      {"samples", r.samples},
                      {"latency_basis", r.latency_basis},
                      {"p50_ns", figure_json(r.p50_ns)},
                      {"p90_ns", figure_json(r.p90_ns)},
                      {"p99_ns", figure_json(r.p99_ns)},
                      {"mean_ns", figure_json(r.mean_ns)},
                      {"throughput_per_s", figure_json(r.throughput_per_s)},
                      {"mean_power_w", figure_json(r.mean_power_w)},
                      {"mj_per_inference", figure_json(r.mj_per_inference)},
                      {"inferences_per_j", figure_json(r.inferences_per_j)},
                      {"accuracy", figure_json(r.accuracy)},
                      {"accuracy_metric", r.accuracy_metric.empty() ? json(nullptr) : json(r.accuracy_metric)},
                      {"speedup", ratio_json(r.speedup)},
                      {"energy_efficiency", ratio_json(r.energy_efficiency)},
                      {"u_test", u},
                      {"invalid", r.invalid}});
    }
    groups.push_back({{"workload", g.workload}, {"baseline", g.baseline.empty() ? json(nullptr) : json(g.baseline)},
                      {"rows", rows}});
  }
  json modeled = json::array();
  for (const auto& f : c.modeled) modeled.push_back({{"row", f.row}, {"figure", f.what}, {"source", f.source}});
  return {{"comparison_version", 1},
          {"bootstrap", {{"resamples", c.resamples}, {"seed", c.seed}, {"interval", "percentile 95%"}}},
          {"groups", groups},
          {"modeled", modeled},
          {"notes", c.notes}};
}

}  // namespace eb::reports
