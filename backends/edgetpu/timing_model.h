// Time and power of a Coral Edge TPU running a compiled (quantised) graph, for when no
// device is present. Every figure from here is Provenance::modeled; the parameters go
// into Executable::info(). Defaults and where they come from:
//   MAC array      64×64 int8 MACs per cycle. The array size is not officially published;
//                  64×64 at 500 MHz gives 2·4096·500e6 = 4.1 TOPS, Coral's rated 4 TOPS.
//   clock          "max" 500 MHz or "std" 250 MHz (libedgetpu's two runtime builds).
//   mapping        a layer streams its output pixels through the array: the reduction
//                  (C_in/groups·kh·kw) is tiled over the 64 rows and the output channels
//                  over the 64 columns; a depthwise layer puts channels on the columns and
//                  its kh·kw taps on the rows (hence its poor utilisation — why MobileDet-
//                  EdgeTPU prefers full convolutions). Element-wise, pooling, resize and
//                  concatenation move 64 elements per cycle. Each layer adds 128 cycles of
//                  array fill and drain.
//   parameters     about 8 MiB of on-chip SRAM caches parameters (the Edge TPU compiler
//                  reports "On-chip memory used for caching model parameters" up to ~8 MiB);
//                  layers are cached in order until it is full, and the parameters of the
//                  rest are streamed from the host on every invocation, overlapped with the
//                  layer's compute (time = max of the two).
//   link           USB 3 (USB Accelerator): 320 MB/s effective, 0.3 ms per invocation;
//                  PCIe (M.2 / Mini PCIe, Gen2 ×1): 400 MB/s effective, 0.05 ms. Inputs and
//                  outputs (int8) cross the link on every invocation. These are
//                  assumptions of this model, not measurements.
//   power          idle 0.5 W (assumed) + 0.5 W per TOPS at full load (Coral: "2 TOPS per
//                  watt") × peak TOPS × MAC-array utilisation.
// Options (CompileOptions::extra): edgetpu.array_rows, edgetpu.array_cols, edgetpu.clock
// (max|std), edgetpu.cache_mib, edgetpu.link (usb3|pcie), edgetpu.link_mb_s,
// edgetpu.invoke_overhead_us, edgetpu.idle_w, edgetpu.w_per_tops.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/graph.h"
#include "core/provenance.h"

namespace eb::edgetpu {

struct TpuParams {
  int array_rows = 64;
  int array_cols = 64;
  std::string clock = "max";
  double clock_mhz = 500;
  double cache_mib = 8;
  std::string link = "usb3";
  double link_mb_s = 320;
  double invoke_overhead_us = 300;
  double layer_overhead_cycles = 128;
  double idle_w = 0.5;
  double w_per_tops = 0.5;

  static TpuParams from_options(const std::map<std::string, std::string>& extra);  // throws on bad values
  double peak_tops() const { return 2.0 * array_rows * array_cols * clock_mhz * 1e6 / 1e12; }
  std::string describe() const;  // "edgetpu-model(64x64 MAC @ 500 MHz, 8 MiB cache, usb3 320 MB/s)"
  Provenance provenance() const { return Provenance::modeled(describe()); }
  std::map<std::string, std::string> as_info() const;
};

// What the model needs to know of one compiled layer.
struct LayerWork {
  std::string node;
  std::string op;
  std::int64_t macs = 0;
  double array_cycles = 0;       // cycles on the MAC array or the vector path
  std::int64_t param_bytes = 0;  // int8 weights + int32 biases
};

// Cycles of one node of `graph` (after quantisation: same shapes).
LayerWork layer_work(const Graph& graph, const Node& node, const TpuParams& p);

struct LayerTime {
  std::string node;
  std::string op;
  double compute_ns = 0;
  double stream_ns = 0;  // parameters not in the cache, over the link
  double ns = 0;         // max(compute, stream)
  bool cached = true;
};

struct TimingReport {
  std::vector<LayerTime> layers;
  double invoke_ns = 0;    // per-invocation overhead
  double transfer_ns = 0;  // inputs in and outputs out over the link
  double total_ns = 0;
  std::int64_t macs = 0;
  std::int64_t param_bytes = 0;
  std::int64_t cached_bytes = 0;
  std::int64_t streamed_bytes = 0;  // per invocation
  double utilisation = 0;           // MACs / (peak MACs per ns · total time)
  double watts = 0;                 // average over the invocation
  double joules = 0;
};

TimingReport model_timing(const std::vector<LayerWork>& layers, std::int64_t io_bytes, const TpuParams& p);

}  // namespace eb::edgetpu
