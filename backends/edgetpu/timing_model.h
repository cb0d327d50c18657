// Time and power of a Coral Edge TPU running a compiled (quantised) graph, for when no
// device is present. Every figure from here is Provenance::modeled; the parameters go into
// Executable::info(). docs/edgetpu-model.md describes the model, its sources, the fit and
// its error on held-out models. Constants, and where each comes from:
//
//   peak             4 TOPS int8 (Coral Edge TPU datasheet / USB Accelerator datasheet:
//                    "4 trillion operations per second (TOPS)"; an operation is half a MAC).
//   MAC array        64×64 int8 MACs: not published. 4096 MACs/cycle is what 4 TOPS gives at
//                    500 MHz (2·4096·500e6 = 4.1e12); the square shape is an assumption.
//   clock            500 MHz "max" / 250 MHz "std": libedgetpu ships a maximum- and a
//                    reduced-frequency runtime (Coral, "Get started with the USB
//                    Accelerator": libedgetpu1-max / libedgetpu1-std); 500 MHz is inferred
//                    from 4 TOPS, 250 MHz is half of it.
//   mapping          a layer streams its output pixels through the array in weight tiles: the
//                    reduction (C_in/groups·kh·kw) over the 64 rows, output channels over the
//                    64 columns; a depthwise layer has its channels on the columns and only
//                    kh·kw taps on the rows (9 of 64 rows busy for 3x3: its poor utilisation).
//                    A tile costs max(pixels, rows) cycles: the next tile's weights are
//                    shifted in while the current one computes, as in the TPU v1 systolic
//                    array (Jouppi et al., ISCA 2017, "weights are double-buffered"), so a
//                    tile that sees fewer pixels than it has rows waits for its weights.
//                    Element-wise, pooling and concatenation (with their requantisation) move
//                    one 64-lane row per cycle (assumed: the array's width). NCHW→NHWC
//                    transposes and reshapes are views (the .tflite is NHWC: no op).
//   on-chip memory   8 MiB SRAM (Coral, "Edge TPU Compiler" docs, parameter data caching:
//                    "roughly 8 MB of SRAM"). Activations live there too: the largest layer's
//                    input + output (int8) is reserved for them and the rest caches
//                    parameters, layer by layer in order while they fit; the parameters of
//                    the rest stream over the link on every invocation, overlapped with the
//                    layer's compute (time = max of the two).
//   link             USB 3.0 (USB Accelerator) and PCIe Gen2 ×1 (M.2 / Mini PCIe
//                    Accelerators): both 5 Gb/s with 8b/10b coding, so 500 MB/s (USB 3.0 and
//                    PCIe 2.0 specifications; Coral product pages for the interfaces). The
//                    int8 input and outputs cross it on every invocation.
//   fitted           FITTED on mobilenet-v1 and mobilenet-v2 only (edgebench fit-edgetpu,
//                    backends/edgetpu/timing_fit.h) against Coral's published USB
//                    Accelerator latencies: a fixed cost per invocation (driver, USB round
//                    trips, TFLite invoke) and a compute scale, the factor by which the real
//                    array is slower than the ideal tile mapping above (its efficiency is not
//                    published). A per-layer overhead is in the model (edgetpu.layer_overhead_ns)
//                    but 0: two anchors cannot fit a third parameter, and the alternative fit
//                    (invoke + per-layer, no scale) is worse on the held-out models
//                    (docs/edgetpu-model.md). PCIe: no published anchor was fitted, the USB
//                    values are used (unvalidated).
//   power            idle 0.5 W (assumed, no source) + 0.5 W per TOPS (Coral: "2 TOPS per
//                    watt") × 4 TOPS × array utilisation over the device time.
// Options (CompileOptions::extra): edgetpu.array_rows, edgetpu.array_cols, edgetpu.clock
// (max|std), edgetpu.cache_mib (the on-chip SRAM), edgetpu.link (usb3|pcie),
// edgetpu.link_mb_s, edgetpu.invoke_overhead_us, edgetpu.compute_scale, edgetpu.layer_overhead_ns, edgetpu.idle_w,
// edgetpu.w_per_tops.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/backend_options.h"
#include "core/graph.h"
#include "core/provenance.h"

namespace eb::edgetpu {

// The result of `edgebench fit-edgetpu` (mobilenet-v1 2.4 ms, mobilenet-v2 2.6 ms on the USB
// Accelerator): compiled in as the defaults; tests/edgetpu check that the fit still gives them.
inline constexpr double kFittedInvokeOverheadUs = 0;
inline constexpr double kFittedComputeScale = 5.0218;

struct TpuParams {
  int array_rows = 64;
  int array_cols = 64;
  std::string clock = "max";
  double clock_mhz = 500;
  double cache_mib = 8;  // on-chip SRAM, shared by parameters and activations
  std::string link = "usb3";
  double link_mb_s = 500;
  double invoke_overhead_us = kFittedInvokeOverheadUs;
  double compute_scale = kFittedComputeScale;
  double layer_overhead_ns = 0;
  double idle_w = 0.5;
  double w_per_tops = 0.5;

  // From the edgetpu.* options of the timing model (options.h), as declared; the clock's
  // name gives its MHz.
  static TpuParams from(const ResolvedOptions& options);
  double peak_tops() const { return 2.0 * array_rows * array_cols * clock_mhz * 1e6 / 1e12; }
  std::string describe() const;  // "edgetpu-model(64x64 int8 MAC @ 500 MHz (max), 8 MiB SRAM, usb3 500 MB/s, ...)"
  Provenance provenance() const { return Provenance::modeled(describe()); }
  std::map<std::string, std::string> as_info() const;
};

// What the model needs to know of one compiled layer.
struct LayerWork {
  std::string node;
  std::string op;
  std::int64_t macs = 0;
  double array_cycles = 0;       // cycles on the MAC array or the vector path (no overhead)
  std::int64_t param_bytes = 0;  // int8 weights + int32 biases (batch norm folds into them)
  std::int64_t activation_bytes = 0;  // int8 inputs + output: what must be on chip while it runs
  bool is_view = false;          // reshape / NCHW→NHWC transpose: no data moves, no layer cost
};

// Cycles of one node of `graph` (before or after batch-norm folding: same shapes).
LayerWork layer_work(const Graph& graph, const Node& node, const TpuParams& p);

// Every node of a graph that runs whole on the Edge TPU, and the bytes of its inputs and
// outputs (int8) that cross the link.
struct GraphWork {
  std::vector<LayerWork> layers;
  std::int64_t io_bytes = 0;
};
GraphWork graph_work(const Graph& graph, const TpuParams& p);

struct LayerTime {
  std::string node;
  std::string op;
  double compute_ns = 0;   // on the array, times the compute scale
  double stream_ns = 0;    // parameters not in the cache, over the link
  double overhead_ns = 0;  // the per-layer overhead
  double ns = 0;           // max(compute, stream) + overhead
  std::int64_t activation_bytes = 0;
  bool cached = true;
};

struct TimingReport {
  std::vector<LayerTime> layers;
  double invoke_ns = 0;    // per-invocation overhead
  double transfer_ns = 0;  // inputs in and outputs out over the link
  double compute_ns = 0;   // Σ max(compute, stream) over layers
  double layer_overhead_ns = 0;  // Σ per-layer overheads
  double total_ns = 0;     // device time of one invocation
  int counted_layers = 0;  // layers that pay the per-layer overhead
  std::int64_t activation_traffic_bytes = 0;  // Σ over layers of int8 inputs + output
  std::int64_t macs = 0;
  std::int64_t param_bytes = 0;
  std::int64_t activation_reserve_bytes = 0;  // of the SRAM, kept for activations
  std::int64_t cached_bytes = 0;
  std::int64_t streamed_bytes = 0;  // per invocation
  double utilisation = 0;           // MACs / (peak MACs per ns · total time)
  double watts = 0;                 // average over the invocation
  double joules = 0;
};

TimingReport model_timing(const std::vector<LayerWork>& layers, std::int64_t io_bytes, const TpuParams& p);
inline TimingReport model_timing(const GraphWork& w, const TpuParams& p) { return model_timing(w.layers, w.io_bytes, p); }

}  // namespace eb::edgetpu
