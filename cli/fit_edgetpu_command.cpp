// edgebench fit-edgetpu: fits the Edge TPU timing model's two overheads on Coral's
// published classifier latencies and holds the model against the detectors it was not
// fitted on (bench/edgetpu_check.h). Prints the sourced constants, the fitted values with
// their residuals, and the held-out errors; --format json for all of it.
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bench/edgetpu_check.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "reports/published.h"

namespace eb::cli {
namespace {

struct FitOptions {
  int runs = 20;
  std::string format = "table";
  bool layers = false;
};

std::vector<bench::PublishedLatency> coral_usb_latencies() {
  std::vector<bench::PublishedLatency> out;
  for (const auto& f : reports::embedded_published("coral").figures)
    if (f.metric == "latency_ms" && !f.workload.empty() && f.device.find("USB Accelerator") != std::string::npos)
      out.push_back({f.workload, f.value, f.device});
  return out;
}

nlohmann::json rows_json(const bench::EdgeTpuCheck& c, bool with_layers) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : c.rows) {
    rows.push_back({{"workload", r.workload},
                    {"role", r.anchor ? "fit anchor" : "held out"},
                    {"published_ms", r.published_ms},
                    {"device_ms", r.device.total_ns * 1e-6},
                    {"device_parts_ms",
                     {{"invoke", r.device.invoke_ns * 1e-6},
                      {"transfer", r.device.transfer_ns * 1e-6},
                      {"compute_and_streaming", r.device.compute_ns * 1e-6},
                      {"layer_overheads", r.device.layer_overhead_ns * 1e-6}}},
                    {"layers", r.device.counted_layers},
                    {"streamed_bytes", r.device.streamed_bytes},
                    {"host_ms", r.host_ms},
                    {"total_ms", r.total_ms},
                    {"error_pct", r.error_pct}});
    if (with_layers) {
      nlohmann::json layers = nlohmann::json::array();
      for (const auto& l : r.device.layers)
        layers.push_back({{"node", l.node}, {"op", l.op}, {"compute_ns", l.compute_ns}, {"stream_ns", l.stream_ns},
                          {"overhead_ns", l.overhead_ns}, {"activation_bytes", l.activation_bytes}});
      rows.back()["layer_times"] = std::move(layers);
    }
  }
  return rows;
}

nlohmann::json fit_json(const edgetpu::TimingFit& f) {
  nlohmann::json points = nlohmann::json::array();
  for (const auto& p : f.points)
    points.push_back({{"workload", p.name}, {"published_ms", p.published_ms}, {"modeled_ms", p.modeled_ms}, {"residual_ms", p.residual_ms}});
  return {{"structure", edgetpu::fit_structure_name(f.structure)},
          {"invoke_overhead_us", f.invoke_overhead_us},
          {"compute_scale", f.compute_scale},
          {"layer_overhead_ns", f.layer_overhead_ns},
          {"at_bound", f.at_bound},
          {"points", points},
          {"rms_residual_ms", f.rms_residual_ms}};
}

std::string fitted_text(const edgetpu::TimingFit& f) {
  std::string s = fmt::format("invoke overhead {:.1f} us, ", f.invoke_overhead_us);
  s += f.structure == edgetpu::FitStructure::compute_scale ? fmt::format("compute scale {:.4f}", f.compute_scale)
                                                           : fmt::format("per-layer overhead {:.0f} ns", f.layer_overhead_ns);
  return s + fmt::format(" (rms residual {:.4f} ms{})", f.rms_residual_ms, f.at_bound ? "; a parameter is at its bound" : "");
}

std::string check_table(const bench::EdgeTpuCheck& c) {
  Table t({"MODEL", "ROLE", "DEVICE (MODELED)", "HOST (MEASURED)", "TOTAL", "PUBLISHED", "ERROR"},
          {Table::Align::left, Table::Align::left, Table::Align::right, Table::Align::right, Table::Align::right,
           Table::Align::right, Table::Align::right});
  for (const auto& r : c.rows)
    t.add_row({r.workload, r.anchor ? "fit anchor" : "held out", fmt::format("{:.3f} ms", r.device.total_ns * 1e-6),
               r.host_ms > 0 ? fmt::format("{:.3f} ms", r.host_ms) : std::string("-"), fmt::format("{:.3f} ms", r.total_ms),
               fmt::format("{:.1f} ms", r.published_ms), fmt::format("{:+.1f}%", r.error_pct)});
  return t.render();
}

void fit(const FitOptions& o, const Context& ctx) {
  const auto anchors = bench::edgetpu_fit_anchors();
  const auto published = coral_usb_latencies();
  const bench::EdgeTpuCheck c = bench::check_edgetpu_model(ctx.workloads, published, anchors, o.runs);
  const bench::EdgeTpuCheck alt =
      bench::check_edgetpu_model(ctx.workloads, published, anchors, o.runs, edgetpu::FitStructure::layer_overhead, &c.rows);
  if (o.format == "json") {
    nlohmann::json j = {{"model", c.params.describe()},
                        {"fit", fit_json(c.fit)},
                        {"compiled_in", {{"invoke_overhead_us", edgetpu::kFittedInvokeOverheadUs}, {"compute_scale", edgetpu::kFittedComputeScale}}},
                        {"rows", rows_json(c, o.layers)},
                        {"alternative", {{"fit", fit_json(alt.fit)}, {"rows", rows_json(alt, false)}}},
                        {"host_runs", o.runs},
                        {"provenance",
                         {{"device_ms", "modeled"},
                          {"host_ms", "measured (steady_clock, this host)"},
                          {"published_ms", "published (data/published/coral.json)"}}}};
    fmt::print("{}\n", j.dump(2));
    return;
  }
  fmt::print("Edge TPU timing model: {}\n", c.params.describe());
  fmt::print("sourced: 64x64 int8 MACs @ 500 MHz (4 TOPS), 8 MiB SRAM shared with activations, links 500 MB/s "
             "(backends/edgetpu/timing_model.h)\n\n");
  fmt::print("fit of {} on {} (Coral USB Accelerator, published), least squares, bounded:\n",
             edgetpu::fit_structure_name(c.fit.structure), fmt::join(anchors, ", "));
  Table fit({"ANCHOR", "PUBLISHED", "FITTED MODEL", "RESIDUAL"},
            {Table::Align::left, Table::Align::right, Table::Align::right, Table::Align::right});
  for (const auto& p : c.fit.points)
    fit.add_row({p.name, fmt::format("{:.2f} ms", p.published_ms), fmt::format("{:.3f} ms", p.modeled_ms),
                 fmt::format("{:+.4f} ms", p.residual_ms)});
  fmt::print("{}", fit.render());
  fmt::print("fitted: {}\n", fitted_text(c.fit));
  fmt::print("compiled-in defaults: invoke overhead {} us, compute scale {}\n\n", edgetpu::kFittedInvokeOverheadUs,
             edgetpu::kFittedComputeScale);
  fmt::print("{}", check_table(c));
  fmt::print("\nalternative structure, for comparison ({}): {}\n{}", edgetpu::fit_structure_name(alt.fit.structure),
             fitted_text(alt.fit), check_table(alt));
  fmt::print("\nhost: median of {} runs of the deployment post-processing (decode + fast NMS) on this host (measured); device: "
             "modeled; published: Coral USB Accelerator (data/published/coral.json)\n",
             o.runs);
}

}  // namespace

void add_fit_edgetpu_command(CLI::App& app, const Context& ctx) {
  auto o = std::make_shared<FitOptions>();
  CLI::App* cmd = app.add_subcommand(
      "fit-edgetpu", "Fit the Edge TPU timing model's overheads on the published classifiers and check it on held-out detectors");
  cmd->add_option("--runs", o->runs, "Timed host post-processing runs per model (median)")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--format", o->format, "Output format")->check(CLI::IsMember({"table", "json"}))->capture_default_str();
  cmd->add_flag("--layers", o->layers, "With --format json: every layer's modeled times");
  cmd->callback([o, &ctx] { fit(*o, ctx); });
}

}  // namespace eb::cli
