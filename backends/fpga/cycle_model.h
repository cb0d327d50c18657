// The cycle model of the Edge-MoE datapath on a board: what each step's unit did (its
// pipelined loops' trip counts, pipeline starts and DDR traffic, counted by the kernel as
// it ran: hw/unit_stats.h) → clock cycles → time at the design clock.
//
// Per step:
//   compute  = II=1 loop iterations + pipeline starts × the unit's pipeline depth
//   weights  = weight bytes / (port width × AXI efficiency)     on the weight port
//   acts     = activation bytes / (port width × efficiency × activation ports)
//   ddr      = all bytes / (DDR peak bytes per cycle)            the shared DRAM
//   sequential weight loads (the default, what Edge-MoE's top level writes):
//     cycles = weights + max(compute, acts, act bytes / DDR rate) + invocation overhead
//     MoE:     gate load + gate + Σ over the active experts (lᵢ + cᵢ)
//   overlapped weight loads ("fpga.weight_load=overlap"):
//     cycles = max(compute, weights, acts, ddr) + invocation overhead
//     MoE:     gate, then l₀ + Σ max(cᵢ, lᵢ₊₁)
// Edge-MoE's ViT_compute (src/ViT_compute.cpp, `#pragma HLS pipeline off`, no dataflow)
// calls load_linear_weights and then compute_linear for every layer, alternating between
// a ping and a pong weight buffer, and compute_moe does the same per expert; as written,
// each call runs after the previous one returns, so a layer's weight load is not hidden
// behind compute. The ping-pong buffers would let a scheduler overlap the next load with
// the current compute (the overlap mode); whether Vitis HLS does so for these calls is
// a property of the synthesised schedule that only a synthesis or co-simulation report
// shows — none is available here. Activations stream through the units in both modes.
//
// Defaults describe Edge-MoE's ZCU102 build: 300 MHz (the bitstream's 3.333 ns clock),
// 256-bit AXI masters (one weight port, four activation ports), the PS DDR4-2133 64-bit
// interface. Pipeline depths are estimates of Vitis HLS latencies (DSP multiply 3–4
// cycles, a 16-input adder tree 4 levels, saturation and output stages), not synthesis
// reports. Every figure derived from this model is Provenance::modeled.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "backends/fpga/program.h"
#include "core/backend.h"

namespace eb::fpga {

struct CycleModelParams {
  double clock_mhz = 300.0;
  int axi_bits = 256;
  int weight_ports = 1;
  int activation_ports = 4;
  double axi_efficiency = 0.8;   // sustained / peak on long bursts (refresh, row misses, arbitration)
  double ddr_peak_gbps = 17.0;   // ZCU102 PS DDR4-2133, 64 bits: 17.06 GB/s
  int depth_linear = 24;
  int depth_attention = 40;
  int depth_layernorm = 48;      // includes the per-row square root and reciprocal
  int depth_eltwise = 8;
  int invocation_overhead = 64;  // control FSM and address setup per unit call
  bool overlap_weight_loads = false;  // "fpga.weight_load": sequential (default) | overlap

  // From the fpga backend's resolved options ("fpga.clock_mhz", "fpga.axi_efficiency", ...;
  // options.h declares them, with these defaults).
  static CycleModelParams from(const ResolvedOptions& options);
  // "edge-moe-cycle-model(clock=300MHz, axi=256b×1w+4a@0.80, ddr=17.0GB/s, depth=24/40/48/8, overhead=64, loads=sequential)"
  std::string describe() const;
  Provenance provenance() const { return Provenance::modeled(describe()); }
  std::map<std::string, std::string> as_info() const;  // every parameter, for the result record
};

struct StepTime {
  std::string node;
  Unit unit = Unit::linear;
  double cycles = 0;          // what the model charges
  double compute_cycles = 0;  // pipelined loop iterations + fills
  double memory_cycles = 0;   // the binding transfer (weights, activations or DDR)
  double load_cycles = 0;     // weight loads on the weight port (exposed in full when sequential)
  std::int64_t macs = 0;
  std::int64_t weight_bytes = 0;
  std::int64_t act_bytes = 0;
};

struct UnitTotal {
  Unit unit = Unit::linear;
  double cycles = 0;
  std::int64_t macs = 0;
  int steps = 0;
};

struct CycleReport {
  std::vector<StepTime> steps;
  double total_cycles = 0;
  double compute_cycles = 0;  // Σ compute-bound part (for the power model's activity)
  std::int64_t ddr_bytes = 0;
  double clock_mhz = 300.0;

  double seconds() const { return total_cycles / (clock_mhz * 1e6); }
  std::vector<UnitTotal> by_unit() const;  // in Unit order, units that ran
  // A table: unit, steps, cycles, share, ms, GMAC/s — for logs and the closing note.
  std::string format_breakdown() const;
};

// Charges one step.
StepTime step_time(const CycleModelParams& p, const std::string& node, Unit unit, const StepReport& r);

CycleReport make_report(const CycleModelParams& p, std::vector<StepTime> steps);

}  // namespace eb::fpga
