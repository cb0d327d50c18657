#include "backends/fpga/options.h"

#include <limits>

#include <fmt/format.h>

#include "backends/fpga/cycle_model.h"
#include "backends/fpga/lower.h"
#include "backends/fpga/power_model.h"
#include "backends/fpga/transfer_model.h"

namespace eb::fpga {
namespace {

std::string num(double v) { return fmt::format("{:g}", v); }

std::string list(const std::vector<float>& v) {
  std::string s;
  for (float x : v) {
    if (!s.empty()) s += ',';
    s += num(x);
  }
  return s;
}

// A positive number (the cycle model's parameters).
OptionSpec positive(std::string key, double def, std::string help, double max = std::numeric_limits<double>::infinity()) {
  return {.key = std::move(key), .type = OptionType::number, .default_value = num(def), .help = std::move(help), .min = 0,
          .max = max, .min_exclusive = true};
}

OptionSpec count(std::string key, int def, std::string help) {
  return {.key = std::move(key), .type = OptionType::integer, .default_value = std::to_string(def), .help = std::move(help), .min = 1};
}

OptionSpec watts(std::string key, double def, std::string help) {
  return {.key = std::move(key), .type = OptionType::number, .default_value = num(def), .help = std::move(help), .min = 0};
}

}  // namespace

std::vector<OptionSpec> fpga_options() {
  const CycleModelParams c;
  const BoardPowerParams p;
  const PixelOptions px;
  return {
      positive("fpga.clock_mhz", c.clock_mhz, "datapath clock of the cycle model (MHz)"),
      count("fpga.axi_bits", c.axi_bits, "width of one AXI port (bits)"),
      count("fpga.weight_ports", c.weight_ports, "AXI ports streaming weights"),
      count("fpga.activation_ports", c.activation_ports, "AXI ports streaming activations"),
      positive("fpga.axi_efficiency", c.axi_efficiency, "sustained / peak AXI bandwidth on long bursts", 1),
      positive("fpga.ddr_gbps", c.ddr_peak_gbps, "peak DDR bandwidth (GB/s)"),
      count("fpga.depth.linear", c.depth_linear, "pipeline depth of the linear unit (cycles)"),
      count("fpga.depth.attention", c.depth_attention, "pipeline depth of the attention unit (cycles)"),
      count("fpga.depth.layernorm", c.depth_layernorm, "pipeline depth of the layer-norm unit (cycles)"),
      count("fpga.depth.eltwise", c.depth_eltwise, "pipeline depth of the element-wise units (cycles)"),
      count("fpga.invocation_overhead", c.invocation_overhead, "control and address set-up per unit call (cycles)"),
      {.key = "fpga.weight_load", .type = OptionType::choice, .default_value = c.overlap_weight_loads ? "overlap" : "sequential",
       .help = "weight loads one after the other with compute, as Edge-MoE's top level issues them, or hidden behind it",
       .choices = {"sequential", "overlap"}},
      positive("fpga.transfer_gbps", TransferModel{}.gbps, "host <-> kernel buffer bandwidth of the transfer model (GB/s)"),
      watts("fpga.power.static_w", p.static_w, "board static power of the power model (W)"),
      watts("fpga.power.dynamic_w", p.pl_dynamic_w, "programmable logic's dynamic power at full activity (W)"),
      watts("fpga.power.ddr_pj_per_byte", p.ddr_pj_per_byte, "DDR energy per byte moved (pJ/B)"),
      {.key = "fpga.power.watts", .type = OptionType::number,
       .help = "a board power measured elsewhere, replacing the power model (W)", .min = 0},
      {.key = "fpga.power.source", .type = OptionType::text,
       .help = "where fpga.power.watts comes from, a citation or a note (default: " + p.fixed_source + ")"},
      {.key = "fpga.convs", .type = OptionType::choice, .default_value = "auto",
       .help = "convolutions on the datapath: patch embeddings only, also im2col ones, or im2col when the graph has no attention",
       .choices = {"auto", "patch", "im2col"}},
      {.key = "fpga.pixels", .type = OptionType::choice, .default_value = "auto",
       .help = "graph inputs feeding a patch embedding enter as 8-bit pixels (auto) or in the datapath's format (off)",
       .choices = {"auto", "off"}},
      {.key = "fpga.pixel_mean", .type = OptionType::numbers, .default_value = list(px.mean),
       .help = "per-channel mean the 8-bit pixels were normalised with"},
      {.key = "fpga.pixel_std", .type = OptionType::numbers, .default_value = list(px.std),
       .help = "per-channel standard deviation the 8-bit pixels were normalised with"},
      {.key = "fpga.xclbin", .type = OptionType::text, .help = "an xclbin FILE: run the Edge-MoE kernel on a board through XRT"},
      {.key = "fpga.device", .type = OptionType::integer, .help = "XRT device index, with fpga.xclbin (default 0)", .min = 0},
  };
}

}  // namespace eb::fpga
