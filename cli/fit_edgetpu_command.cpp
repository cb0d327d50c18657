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
};

std::vector<bench::PublishedLatency> coral_usb_latencies() {
  std::vector<bench::PublishedLatency> out;
  for (const auto& f : reports::embedded_published("coral").figures)
    if (f.metric == "latency_ms" && !f.workload.empty() && f.device.find("USB Accelerator") != std::string::npos)
      out.push_back({f.workload, f.value, f.device});
  return out;
}

nlohmann::json to_json(const bench::EdgeTpuCheck& c) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : c.rows)
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
  nlohmann::json points = nlohmann::json::array();
  for (const auto& p : c.fit.points)
    points.push_back({{"workload", p.name}, {"layers", p.layers}, {"fixed_ms", p.fixed_ms}, {"published_ms", p.published_ms},
                      {"modeled_ms", p.modeled_ms}, {"residual_ms", p.residual_ms}});
  return {{"model", c.params.describe()},
          {"fitted", {{"invoke_overhead_us", c.fit.invoke_overhead_us}, {"layer_overhead_ns", c.fit.layer_overhead_ns}}},
          {"compiled_in", {{"invoke_overhead_us", edgetpu::kFittedInvokeOverheadUs}, {"layer_overhead_ns", edgetpu::kFittedLayerOverheadNs}}},
          {"fit_points", points},
          {"rms_residual_ms", c.fit.rms_residual_ms},
          {"rows", rows},
          {"provenance",
           {{"device_ms", "modeled"}, {"host_ms", "measured (steady_clock, this host)"}, {"published_ms", "published (data/published/coral.json)"}}}};
}

void fit(const FitOptions& o, const Context& ctx) {
  const auto anchors = bench::edgetpu_fit_anchors();
  const bench::EdgeTpuCheck c = bench::check_edgetpu_model(ctx.workloads, coral_usb_latencies(), anchors, o.runs);
  if (o.format == "json") {
    fmt::print("{}\n", to_json(c).dump(2));
    return;
  }
  fmt::print("Edge TPU timing model: {}\n", c.params.describe());
  fmt::print("sourced constants: 64x64 int8 MACs @ 500 MHz (4 TOPS), 8 MiB SRAM, link 500 MB/s (backends/edgetpu/timing_model.h)\n\n");
  fmt::print("fit on {} (Coral USB Accelerator, published), least squares, both overheads >= 0:\n", fmt::join(anchors, ", "));
  Table fit({"ANCHOR", "LAYERS", "FIXED (MODELED)", "PUBLISHED", "FITTED MODEL", "RESIDUAL"},
            {Table::Align::left, Table::Align::right, Table::Align::right, Table::Align::right, Table::Align::right, Table::Align::right});
  for (const auto& p : c.fit.points)
    fit.add_row({p.name, std::to_string(p.layers), fmt::format("{:.3f} ms", p.fixed_ms), fmt::format("{:.2f} ms", p.published_ms),
                 fmt::format("{:.3f} ms", p.modeled_ms), fmt::format("{:+.4f} ms", p.residual_ms)});
  fmt::print("{}", fit.render());
  fmt::print("fitted: invoke overhead {:.0f} us, per-layer overhead {:.0f} ns (rms residual {:.4f} ms; two anchors, two "
             "parameters: the residuals are zero unless a bound was hit)\n",
             c.fit.invoke_overhead_us, c.fit.layer_overhead_ns, c.fit.rms_residual_ms);
  fmt::print("compiled-in defaults: invoke {:.0f} us, per-layer {:.0f} ns\n\n", edgetpu::kFittedInvokeOverheadUs,
             edgetpu::kFittedLayerOverheadNs);
  Table t({"MODEL", "ROLE", "DEVICE (MODELED)", "HOST (MEASURED)", "TOTAL", "PUBLISHED", "ERROR"},
          {Table::Align::left, Table::Align::left, Table::Align::right, Table::Align::right, Table::Align::right,
           Table::Align::right, Table::Align::right});
  for (const auto& r : c.rows)
    t.add_row({r.workload, r.anchor ? "fit anchor" : "held out", fmt::format("{:.3f} ms", r.device.total_ns * 1e-6),
               r.host_ms > 0 ? fmt::format("{:.3f} ms", r.host_ms) : std::string("-"), fmt::format("{:.3f} ms", r.total_ms),
               fmt::format("{:.1f} ms", r.published_ms), fmt::format("{:+.1f}%", r.error_pct)});
  fmt::print("{}", t.render());
  fmt::print("host: median of {} runs of the deployment post-processing (decode + fast NMS) on this host; device: modeled; "
             "published: Coral USB Accelerator (data/published/coral.json)\n",
             o.runs);
}

}  // namespace

void add_fit_edgetpu_command(CLI::App& app, const Context& ctx) {
  auto o = std::make_shared<FitOptions>();
  CLI::App* cmd = app.add_subcommand(
      "fit-edgetpu", "Fit the Edge TPU timing model's overheads on the published classifiers and check it on held-out detectors");
  cmd->add_option("--runs", o->runs, "Timed host post-processing runs per model (median)")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--format", o->format, "Output format")->check(CLI::IsMember({"table", "json"}))->capture_default_str();
  cmd->callback([o, &ctx] { fit(*o, ctx); });
}

}  // namespace eb::cli
