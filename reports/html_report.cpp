#include "reports/html_report.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "reports/svg_chart.h"
#include "reports/text_format.h"

namespace eb::reports {
namespace {

constexpr const char* kStyle = R"css(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1240px;color:#222;background:#fff}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
h3{font-size:15px;margin:16px 0 6px}
table{border-collapse:collapse;margin:6px 0 10px;font-size:13px}
th,td{border:1px solid #ddd;padding:3px 7px;text-align:right;vertical-align:top;white-space:nowrap}
th{background:#f3f5f7;white-space:normal}td.l,th.l{text-align:left}td.l{white-space:normal;max-width:300px}
tr.baseline td{background:#f7fbff}td.modeled{color:#8a5a00;background:#fff8e6}
.note{color:#555;font-size:13px}.warn{color:#a40000}.ok{color:#1a7f37}
.charts{display:flex;flex-wrap:wrap;gap:12px}
svg.chart{background:#fff;border:1px solid #e3e3e3;border-radius:4px}
svg .title{font-size:14px;font-weight:600;fill:#222}svg .tick{font-size:11px;fill:#444}
svg .label{font-size:12px;fill:#222}svg .legend{font-size:11.5px;fill:#222}svg .value{font-size:11px;fill:#333}
svg .grid{stroke:#eee;stroke-width:1}svg .axis{stroke:#888;stroke-width:1}
svg .band{fill:#f1f1f1}svg .band-label{font-size:11px;fill:#666}
svg .front{stroke:#555;stroke-width:1.5;stroke-dasharray:5 3}
svg rect.modeled{fill-opacity:.55;stroke:#8a5a00;stroke-dasharray:3 2}
svg circle.pareto{stroke:#111;stroke-width:2}
code{font-size:12px;background:#f5f5f5;padding:1px 3px}
)css";

std::string esc(std::string_view s) { return html_escape(s); }

std::string cell(const std::string& text, bool modeled = false, bool left = false) {
  std::string cls;
  if (modeled) cls += "modeled";
  if (left) cls += (cls.empty() ? "" : " ") + std::string("l");
  return fmt::format("<td{}>{}</td>", cls.empty() ? "" : " class=\"" + cls + "\"", esc(text));
}

bool modeled(const MaybeFigure& f) { return f && f->modeled(); }

std::string comparison_table(const Comparison& c) {
  std::string s;
  for (const auto& g : c.groups) {
    s += fmt::format("<h3>{}{}</h3>\n<table><tr><th class=\"l\">backend</th><th>runs</th><th>samples</th>"
                     "<th>p50</th><th>p90</th><th>p99</th><th>throughput</th><th>mean power</th><th>mJ/inference</th>"
                     "<th>inferences/J</th><th>accuracy</th><th class=\"l\">speed-up vs {}</th><th class=\"l\">energy eff. vs {}</th>"
                     "<th class=\"l\">U test</th></tr>\n",
                     esc(g.workload), g.baseline.empty() ? " (no baseline)" : " (baseline: " + esc(g.baseline) + ")",
                     esc(g.baseline.empty() ? "baseline" : g.baseline), esc(g.baseline.empty() ? "baseline" : g.baseline));
    for (const auto& r : g.rows) {
      s += fmt::format("<tr{}>", r.is_baseline ? " class=\"baseline\"" : "");
      s += cell(r.label() + (r.invalid.empty() ? "" : " (INVALID)"), false, true);
      s += cell(std::to_string(r.records.size())) + cell(std::to_string(r.samples));
      s += cell(format_latency(r.p50_ns), modeled(r.p50_ns)) + cell(format_latency(r.p90_ns), modeled(r.p90_ns)) +
           cell(format_latency(r.p99_ns), modeled(r.p99_ns));
      s += cell(format_figure(r.throughput_per_s, "/s"), modeled(r.throughput_per_s));
      s += cell(format_figure(r.mean_power_w, "W"), modeled(r.mean_power_w));
      s += cell(format_figure(r.mj_per_inference, ""), modeled(r.mj_per_inference));
      s += cell(format_figure(r.inferences_per_j, ""), modeled(r.inferences_per_j));
      s += cell(r.accuracy ? format_figure(r.accuracy, "") + " " + r.accuracy_metric : kMissing, modeled(r.accuracy));
      if (r.is_baseline) {
        s += cell("baseline", false, true) + cell("baseline", false, true) + cell("", false, true);
      } else {
        s += cell(r.speedup ? format_ratio(r.speedup->interval, r.speedup->modeled) : kMissing, r.speedup && r.speedup->modeled, true);
        s += cell(r.energy_efficiency ? format_ratio(r.energy_efficiency->interval, r.energy_efficiency->modeled) : kMissing,
                  r.energy_efficiency && r.energy_efficiency->modeled, true);
        s += cell(r.u_test ? format_u_test(*r.u_test, r.u_test_modeled) : kMissing, r.u_test_modeled, true);
      }
      s += "</tr>\n";
    }
    s += "</table>\n<ul class=\"note\">\n";
    for (const auto& r : g.rows)
      s += fmt::format("<li>{}: {} ({})</li>\n", esc(r.label()), esc(r.device.empty() ? kMissing : r.device), esc(r.latency_basis));
    s += "</ul>\n";
  }
  if (!c.modeled.empty()) {
    s += "<p class=\"note\"><b>~ modeled</b> (not measured on this host):</p><ul class=\"note\">\n";
    for (const auto& f : c.modeled) s += fmt::format("<li>{} {}: {}</li>\n", esc(f.row), esc(f.what), esc(f.source));
    s += "</ul>\n";
  }
  for (const auto& n : c.notes) s += fmt::format("<p class=\"note\">{}</p>\n", esc(n));
  return s;
}

// Colours by backend label, in order of first appearance.
std::map<std::string, std::string> colours_of(const std::vector<RecordView>& records) {
  std::map<std::string, std::string> m;
  for (const auto& r : records)
    if (!m.contains(r.backend_label())) m[r.backend_label()] = palette_colour(m.size());
  return m;
}

std::string missing(const std::string& why) { return fmt::format("<p class=\"note\">{}</p>\n", esc(why)); }

std::string latency_charts(const Comparison& c, const std::map<std::string, std::string>& colours) {
  std::string s = "<div class=\"charts\">\n";
  bool any = false;
  for (const auto& g : c.groups) {
    LineChart chart{"Latency CDF: " + g.workload, Axis{"latency (ms)"}, Axis{"fraction of queries"}, {}, {}};
    double lo = 1e300, hi = 0;
    for (const auto& row : g.rows) {
      std::vector<double> v;
      for (const RecordView* r : row.records) v.insert(v.end(), r->latency_ns.begin(), r->latency_ns.end());
      if (v.empty()) continue;
      std::sort(v.begin(), v.end());
      Series series{(row.p50_ns && row.p50_ns->modeled() ? std::string(kModeledMark) : "") + row.label(), colours.at(row.label()), {}, {},
                    true, row.p50_ns && row.p50_ns->modeled()};
      for (std::size_t i = 0; i < v.size(); ++i) {
        series.x.push_back(v[i] * 1e-6);
        series.y.push_back(static_cast<double>(i + 1) / static_cast<double>(v.size()));
      }
      lo = std::min(lo, v.front());
      hi = std::max(hi, v.back());
      chart.series.push_back(std::move(series));
    }
    if (chart.series.empty()) continue;
    chart.x.log = hi > 20 * lo;  // backends far apart: a log axis keeps both readable
    s += svg_line_chart(chart);
    any = true;
  }
  if (!any) return missing("No latency samples in these records.");
  return s + "</div>\n";
}

std::string power_charts(const std::vector<RecordView>& records) {
  std::string s = "<div class=\"charts\">\n";
  bool any = false;
  for (const auto& r : records) {
    if (r.power_series.empty()) continue;
    LineChart chart{"Power: " + r.workload_key() + " on " + r.backend_label(), Axis{"time (s)"}, Axis{"power (W)"}, {}, {}};
    std::map<std::string, std::size_t> source_colour;
    for (const auto& p : r.power_series) {
      if (!source_colour.contains(p.source)) source_colour[p.source] = source_colour.size();
      const bool m = p.provenance.kind != Provenance::Kind::measured;
      chart.series.push_back(Series{(m ? std::string(kModeledMark) : "") + p.source + " (" + p.phase + ")",
                                    palette_colour(source_colour[p.source]), p.t_s, p.watts, false, m});
    }
    for (const auto& ph : r.phases) chart.bands.push_back({ph.start_s, ph.stop_s, ph.name == "busy" ? "timed phase" : "idle baseline"});
    s += svg_line_chart(chart);
    any = true;
  }
  if (!any) return missing("No power samples in these records (run with --power auto, or a source such as rapl or nvml).");
  return s + "</div>\n";
}

std::string energy_charts(const Comparison& c, const std::map<std::string, std::string>& colours) {
  std::string s = "<div class=\"charts\">\n", notes;
  bool any = false;
  for (const auto& g : c.groups) {
    BarChart mj{"Energy per inference: " + g.workload, "mJ per inference", {}, false};
    BarChart ipj{"Inferences per joule: " + g.workload, "inferences per J", {}, false};
    std::string without;  // the rows that have no bar, and why: a lone bar is not the whole story
    for (const auto& row : g.rows) {
      if (row.mj_per_inference)
        mj.bars.push_back({row.label(), row.mj_per_inference->value, colours.at(row.label()), row.mj_per_inference->modeled()});
      if (row.inferences_per_j)
        ipj.bars.push_back({row.label(), row.inferences_per_j->value, colours.at(row.label()), row.inferences_per_j->modeled()});
      if (!row.mj_per_inference && !row.records.empty())
        without += fmt::format("<li><b>{}</b>: {}</li>", esc(row.label()), esc(row.records.front()->energy_note));
    }
    if (mj.bars.empty() && ipj.bars.empty()) continue;
    s += svg_bar_chart(mj) + svg_bar_chart(ipj);
    if (!without.empty())
      notes += fmt::format("<p class=\"note\">{}: no energy figure for</p><ul class=\"note\">{}</ul>\n", esc(g.workload), without);
    any = true;
  }
  if (!any) return missing("No energy figures in these records (no power source was measured or modeled).");
  return s + "</div>\n" + notes;
}

std::string accuracy_chart(const Comparison& c, const std::map<std::string, std::string>& colours) {
  ScatterChart chart{"Accuracy against latency (p50)", Axis{"latency p50 (ms)"}, Axis{"accuracy (%)"}, {}};
  std::vector<double> lat, acc;
  for (const auto& g : c.groups)
    for (const auto& row : g.rows)
      if (row.accuracy && row.p50_ns) {
        chart.points.push_back({g.workload + " · " + row.label(), colours.at(row.label()), row.p50_ns->value * 1e-6,
                                row.accuracy->value, row.accuracy->modeled() || row.p50_ns->modeled(), false});
        lat.push_back(row.p50_ns->value);
        acc.push_back(row.accuracy->value);
      }
  if (chart.points.empty())
    return missing("No accuracy figures in these records (accuracy comes from an evaluation on a data set).");
  const auto front = pareto_front(lat, acc);
  for (std::size_t i = 0; i < front.size(); ++i) chart.points[i].on_front = front[i];
  double lo = *std::min_element(lat.begin(), lat.end()), hi = *std::max_element(lat.begin(), lat.end());
  chart.x.log = hi > 20 * lo;
  return svg_scatter_chart(chart) + "<p class=\"note\">Larger circles joined by the dashed line: the Pareto front "
                                    "(no other point is both faster and more accurate).</p>\n";
}

std::string profile_charts(const std::vector<RecordView>& records, const std::map<std::string, std::string>& colours) {
  std::string s = "<div class=\"charts\">\n";
  bool any = false;
  for (const auto& r : records) {
    if (r.profile.empty()) continue;
    std::vector<ProfileNode> top = r.profile;
    std::stable_sort(top.begin(), top.end(), [](const auto& a, const auto& b) { return a.mean_ns > b.mean_ns; });
    if (top.size() > 15) top.resize(15);
    const bool m = r.profile_provenance.kind != Provenance::Kind::measured;
    BarChart chart{fmt::format("{} on {}: top {} of {} nodes", r.model, r.backend_label(), top.size(), r.profile.size()),
                   "mean time per run (ms)", {}, true};
    for (const auto& n : top) chart.bars.push_back({n.node + " (" + n.op + ")", n.mean_ns * 1e-6, colours.at(r.backend_label()), m});
    s += svg_bar_chart(chart);
    any = true;
  }
  if (!any) return missing("No per-node profiles in these records (run with --profile).");
  return s + "</div>\n";
}

std::string metadata(const std::vector<RecordView>& records) {
  std::string s;
  for (const auto& r : records) {
    s += fmt::format("<h3>{}</h3>\n<table>\n", esc(r.file.filename().string()));
    const auto row = [&](const std::string& k, const std::string& v) {
      s += fmt::format("<tr><th class=\"l\">{}</th><td class=\"l\">{}</td></tr>\n", esc(k), esc(v.empty() ? kMissing : v));
    };
    row("workload", r.workload_key());
    row("backend", r.backend_label());
    row("device", r.device);
    row("latency basis", r.latency_basis + (r.latency_provenance.source.empty() ? "" : " — " + r.latency_provenance.source));
    row("energy", r.energy_note);
    row("created", r.created);
    row("edgebench", r.tool_version + " (" + r.git_revision + ")");
    row("command", r.command);
    for (const auto& [k, v] : r.host) row("host." + k, v);
    s += "</table>\n";
  }
  return s;
}

std::string validity(const std::vector<RecordView>& records) {
  std::string s = "<ul>\n";
  for (const auto& r : records) {
    const std::string verdict = !r.verdict_known ? "<span class=\"warn\">no verdict</span>"
                                : r.valid        ? "<span class=\"ok\">VALID</span>"
                                                 : "<span class=\"warn\">INVALID</span>";
    s += fmt::format("<li><b>{}</b> ({}): {}", esc(r.file.filename().string()), esc(r.backend_label()), verdict);
    std::string items;
    for (const auto& x : r.reasons) items += fmt::format("<li class=\"warn\">reason: {}</li>", esc(x));
    for (const auto& x : r.warnings) items += fmt::format("<li class=\"warn\">warning: {}</li>", esc(x));
    for (const auto& x : r.reader_warnings) items += fmt::format("<li class=\"warn\">reader: {}</li>", esc(x));
    for (const auto& x : r.notes) items += fmt::format("<li class=\"note\">note: {}</li>", esc(x));
    if (!items.empty()) s += "<ul>" + items + "</ul>";
    s += "</li>\n";
  }
  return s + "</ul>\n";
}

}  // namespace

std::vector<bool> pareto_front(const std::vector<double>& latency, const std::vector<double>& accuracy) {
  std::vector<bool> front(latency.size(), true);
  for (std::size_t i = 0; i < latency.size(); ++i)
    for (std::size_t j = 0; j < latency.size(); ++j)
      if (j != i && latency[j] <= latency[i] && accuracy[j] >= accuracy[i] &&
          (latency[j] < latency[i] || accuracy[j] > accuracy[i])) {
        front[i] = false;
        break;
      }
  return front;
}

std::string html_report(const std::vector<RecordView>& records, const Comparison& comparison, const HtmlReportOptions& o) {
  const auto colours = colours_of(records);
  std::string s = fmt::format("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n"
                              "<style>{}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
                              esc(o.title), kStyle, esc(o.title));
  std::size_t invalid = 0;
  for (const auto& r : records) invalid += r.verdict_known && !r.valid ? 1 : 0;
  s += fmt::format("<p class=\"note\">{} result record{}, {} workload{}{}. Figures marked <b>~</b> are modeled, not measured "
                   "on this host; \"{}\" marks a figure a record does not have.</p>\n",
                   records.size(), records.size() == 1 ? "" : "s", comparison.groups.size(),
                   comparison.groups.size() == 1 ? "" : "s",
                   invalid ? fmt::format(", <span class=\"warn\">{} INVALID</span>", invalid) : std::string(), kMissing);
  for (const auto& sec : o.lead_sections) s += fmt::format("<h2>{}</h2>\n{}", esc(sec.title), sec.html);
  s += "<h2>Comparison</h2>\n" + comparison_table(comparison);
  s += "<h2>Latency distribution</h2>\n" + latency_charts(comparison, colours);
  s += "<h2>Power over time</h2>\n" + power_charts(records);
  s += "<h2>Energy</h2>\n" + energy_charts(comparison, colours);
  s += "<h2>Accuracy and latency</h2>\n" + accuracy_chart(comparison, colours);
  s += "<h2>Per-node profile</h2>\n" + profile_charts(records, colours);
  s += "<h2>Validity</h2>\n" + validity(records);
  s += "<h2>Host and settings</h2>\n" + metadata(records);
  return s + "</body>\n</html>\n";
}

}  // namespace eb::reports
