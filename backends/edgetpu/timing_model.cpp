#include "backends/edgetpu/timing_model.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "core/shape_inference.h"

namespace eb::edgetpu {
namespace {

double ceil_div(std::int64_t a, std::int64_t b) { return static_cast<double>((a + b - 1) / b); }

}  // namespace

TpuParams TpuParams::from(const ResolvedOptions& options) {
  TpuParams p;
  p.array_rows = static_cast<int>(options.get_int("edgetpu.array_rows"));
  p.array_cols = static_cast<int>(options.get_int("edgetpu.array_cols"));
  p.clock = options.get_choice("edgetpu.clock");
  p.clock_mhz = p.clock == "std" ? 250 : 500;  // libedgetpu's two settings: std, max
  p.cache_mib = options.get_double("edgetpu.cache_mib");
  // Both links signal at 5 Gb/s with 8b/10b coding (timing_model.h); only the name differs.
  p.link = options.get_choice("edgetpu.link");
  p.link_mb_s = options.get_double("edgetpu.link_mb_s");
  p.invoke_overhead_us = options.get_double("edgetpu.invoke_overhead_us");
  p.compute_scale = options.get_double("edgetpu.compute_scale");
  p.layer_overhead_ns = options.get_double("edgetpu.layer_overhead_ns");
  p.idle_w = options.get_double("edgetpu.idle_w");
  p.w_per_tops = options.get_double("edgetpu.w_per_tops");
  return p;
}

std::string TpuParams::describe() const {
  return fmt::format("edgetpu-model({}x{} int8 MAC @ {} MHz ({}), {} MiB SRAM, {} {} MB/s, {} us/invoke, compute x{}{})", array_rows,
                     array_cols, clock_mhz, clock, cache_mib, link, link_mb_s, invoke_overhead_us, compute_scale,
                     layer_overhead_ns > 0 ? fmt::format(", {} ns/layer", layer_overhead_ns) : std::string());
}

std::map<std::string, std::string> TpuParams::as_info() const {
  const bool fitted = invoke_overhead_us == kFittedInvokeOverheadUs && compute_scale == kFittedComputeScale && layer_overhead_ns == 0;
  return {
      {"edgetpu.model", describe()},
      {"edgetpu.model.array", fmt::format("{}x{}", array_rows, array_cols)},
      {"edgetpu.model.clock_mhz", fmt::format("{}", clock_mhz)},
      {"edgetpu.model.peak_tops", fmt::format("{:.3f}", peak_tops())},
      {"edgetpu.model.cache_mib", fmt::format("{}", cache_mib)},
      {"edgetpu.model.link", link},
      {"edgetpu.model.link_mb_s", fmt::format("{}", link_mb_s)},
      {"edgetpu.model.invoke_overhead_us", fmt::format("{}", invoke_overhead_us)},
      {"edgetpu.model.compute_scale", fmt::format("{}", compute_scale)},
      {"edgetpu.model.layer_overhead_ns", fmt::format("{}", layer_overhead_ns)},
      {"edgetpu.model.fitted",
       fitted ? std::string("fitted on mobilenet-v1 and mobilenet-v2 (Coral USB Accelerator, 2.4 and 2.6 ms); edgebench fit-edgetpu")
              : std::string("set by options (not the fitted values)")},
      {"edgetpu.model.power", fmt::format("idle {} W (assumed) + {} W/TOPS x {:.3f} TOPS x utilisation", idle_w, w_per_tops, peak_tops())},
  };
}

LayerWork layer_work(const Graph& graph, const Node& node, const TpuParams& p) {
  LayerWork w;
  w.node = node.name;
  w.op = std::string(op_name(node.op));
  const auto shapes = input_shapes(graph, node);
  const Shape& out = graph.info(node.name).shape;
  w.macs = node_macs(node, shapes, out);
  const std::int64_t R = p.array_rows, C = p.array_cols;
  w.activation_bytes = numel(out);
  for (const auto& in : node.inputs)
    if (!graph.is_weight(in)) w.activation_bytes += numel(graph.info(in).shape);
  // A weight tile computes `pixels` outputs, but never in fewer cycles than it takes to
  // shift the next tile's weights in (one row per cycle).
  const auto tiled = [&](double tiles, std::int64_t pixels) { return tiles * static_cast<double>(std::max(pixels, R)); };
  switch (node.op) {
    case OpKind::conv2d: {
      const auto& a = node.attr<Conv2dAttrs>();
      const Shape& ws = shapes[1];
      const std::int64_t pixels = out[0] * out[2] * out[3];
      const std::int64_t icpg = ws[1], taps = ws[2] * ws[3], ocpg = ws[0] / a.groups;
      if (a.groups > 1 && icpg == 1 && ocpg == 1)
        w.array_cycles = tiled(ceil_div(a.groups, C) * ceil_div(taps, R), pixels);
      else
        w.array_cycles = tiled(static_cast<double>(a.groups) * ceil_div(icpg * taps, R) * ceil_div(ocpg, C), pixels);
      // int8 weights; one int32 bias per output channel (batch norm folds into it).
      w.param_bytes = numel(ws) + (a.has_bias || a.has_batch_norm ? ws[0] * 4 : 0);
      break;
    }
    case OpKind::linear: {
      const Shape& ws = shapes[1];
      const std::int64_t rows = numel(out) / ws[0];
      w.array_cycles = tiled(ceil_div(ws[1], R) * ceil_div(ws[0], C), rows);
      w.param_bytes = numel(ws) + (shapes.size() > 2 ? ws[0] * 4 : 0);
      break;
    }
    case OpKind::reshape: w.is_view = true; break;
    default: {
      // NCHW → NHWC is the layout the .tflite already has (tflite_export.h): a view.
      if (node.op == OpKind::transpose && node.attr<TransposeAttrs>().perm == std::vector<int>{0, 2, 3, 1}) {
        w.is_view = true;
        break;
      }
      std::int64_t elems = numel(out);
      for (const auto& s : shapes) elems = std::max(elems, numel(s));
      w.array_cycles = ceil_div(elems, C);
      for (const auto& in : node.inputs)
        if (graph.is_weight(in)) w.param_bytes += numel(graph.info(in).shape);
      break;
    }
  }
  if (w.is_view) w.activation_bytes = 0;
  return w;
}

GraphWork graph_work(const Graph& graph, const TpuParams& p) {
  GraphWork w;
  for (const auto& node : graph.nodes) w.layers.push_back(layer_work(graph, node, p));
  for (const auto& in : graph.inputs) w.io_bytes += numel(graph.info(in).shape);
  for (const auto& out : graph.outputs) w.io_bytes += numel(graph.info(out).shape);
  return w;
}

TimingReport model_timing(const std::vector<LayerWork>& layers, std::int64_t io_bytes, const TpuParams& p) {
  TimingReport r;
  const double ns_per_cycle = 1e3 / p.clock_mhz;
  const double bytes_per_ns = p.link_mb_s * 1e6 / 1e9;
  const auto sram_bytes = static_cast<std::int64_t>(p.cache_mib * 1024.0 * 1024.0);
  for (const auto& l : layers) r.activation_reserve_bytes = std::max(r.activation_reserve_bytes, l.activation_bytes);
  const std::int64_t cache_bytes = std::max<std::int64_t>(sram_bytes - r.activation_reserve_bytes, 0);
  std::int64_t used = 0;
  for (const auto& l : layers) {
    LayerTime t;
    t.node = l.node;
    t.op = l.op;
    t.compute_ns = l.array_cycles * ns_per_cycle * p.compute_scale;
    t.activation_bytes = l.activation_bytes;
    // The compiler caches parameters layer by layer, in order, while they fit.
    if (l.param_bytes > 0 && used + l.param_bytes <= cache_bytes) {
      used += l.param_bytes;
      r.cached_bytes += l.param_bytes;
    } else if (l.param_bytes > 0) {
      t.cached = false;
      t.stream_ns = static_cast<double>(l.param_bytes) / bytes_per_ns;
      r.streamed_bytes += l.param_bytes;
    }
    if (!l.is_view) {
      t.overhead_ns = p.layer_overhead_ns;
      ++r.counted_layers;
    }
    const double busy = std::max(t.compute_ns, t.stream_ns);
    t.ns = busy + t.overhead_ns;
    r.compute_ns += busy;
    r.layer_overhead_ns += t.overhead_ns;
    r.macs += l.macs;
    r.param_bytes += l.param_bytes;
    r.activation_traffic_bytes += l.activation_bytes;
    r.layers.push_back(std::move(t));
  }
  r.invoke_ns = p.invoke_overhead_us * 1e3;
  r.transfer_ns = static_cast<double>(io_bytes) / bytes_per_ns;
  r.total_ns = r.compute_ns + r.layer_overhead_ns + r.invoke_ns + r.transfer_ns;
  const double peak_macs_per_ns = p.array_rows * p.array_cols * p.clock_mhz * 1e6 / 1e9;
  r.utilisation = r.total_ns > 0 ? static_cast<double>(r.macs) / (peak_macs_per_ns * r.total_ns) : 0;
  r.watts = p.idle_w + p.w_per_tops * p.peak_tops() * r.utilisation;
  r.joules = r.watts * r.total_ns * 1e-9;
  return r;
}

}  // namespace eb::edgetpu
