#include "backends/fpga/cycle_model.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace eb::fpga {
namespace {

int depth_of(const CycleModelParams& p, Unit u) {
  switch (u) {
    case Unit::linear:
    case Unit::patch_embed:
    case Unit::conv:
    case Unit::moe: return p.depth_linear;
    case Unit::attention: return p.depth_attention;
    case Unit::layernorm: return p.depth_layernorm;
    case Unit::add:
    case Unit::gelu: return p.depth_eltwise;
    case Unit::layout: return 0;
  }
  return 0;
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

}  // namespace

CycleModelParams CycleModelParams::from(const ResolvedOptions& options) {
  CycleModelParams p;
  const auto count = [&](const char* key) { return static_cast<int>(options.get_int(key)); };
  p.clock_mhz = options.get_double("fpga.clock_mhz");
  p.axi_bits = count("fpga.axi_bits");
  p.weight_ports = count("fpga.weight_ports");
  p.activation_ports = count("fpga.activation_ports");
  p.axi_efficiency = options.get_double("fpga.axi_efficiency");
  p.ddr_peak_gbps = options.get_double("fpga.ddr_gbps");
  p.depth_linear = count("fpga.depth.linear");
  p.depth_attention = count("fpga.depth.attention");
  p.depth_layernorm = count("fpga.depth.layernorm");
  p.depth_eltwise = count("fpga.depth.eltwise");
  p.invocation_overhead = count("fpga.invocation_overhead");
  p.overlap_weight_loads = options.get_choice("fpga.weight_load") == "overlap";
  return p;
}

std::string CycleModelParams::describe() const {
  return "edge-moe-cycle-model(clock=" + fmt("%g", clock_mhz) + "MHz, axi=" + std::to_string(axi_bits) + "b x " +
         std::to_string(weight_ports) + "w+" + std::to_string(activation_ports) + "a @" + fmt("%.2f", axi_efficiency) +
         ", ddr=" + fmt("%.1f", ddr_peak_gbps) + "GB/s, depth linear/attention/layernorm/eltwise=" + std::to_string(depth_linear) +
         "/" + std::to_string(depth_attention) + "/" + std::to_string(depth_layernorm) + "/" + std::to_string(depth_eltwise) +
         ", overhead=" + std::to_string(invocation_overhead) + ", loads=" + (overlap_weight_loads ? "overlap" : "sequential") + ")";
}

std::map<std::string, std::string> CycleModelParams::as_info() const {
  return {{"fpga.clock_mhz", fmt("%g", clock_mhz)},
          {"fpga.axi_bits", std::to_string(axi_bits)},
          {"fpga.weight_ports", std::to_string(weight_ports)},
          {"fpga.activation_ports", std::to_string(activation_ports)},
          {"fpga.axi_efficiency", fmt("%g", axi_efficiency)},
          {"fpga.ddr_gbps", fmt("%g", ddr_peak_gbps)},
          {"fpga.depth.linear", std::to_string(depth_linear)},
          {"fpga.depth.attention", std::to_string(depth_attention)},
          {"fpga.depth.layernorm", std::to_string(depth_layernorm)},
          {"fpga.depth.eltwise", std::to_string(depth_eltwise)},
          {"fpga.invocation_overhead", std::to_string(invocation_overhead)},
          {"fpga.weight_load", overlap_weight_loads ? "overlap" : "sequential"}};
}

StepTime step_time(const CycleModelParams& p, const std::string& node, Unit unit, const StepReport& r) {
  StepTime t;
  t.node = node;
  t.unit = unit;
  t.macs = r.stats.macs;
  t.weight_bytes = r.stats.weight_bytes;
  t.act_bytes = r.stats.act_read_bytes + r.stats.act_write_bytes;
  if (unit == Unit::layout) return t;  // address generation in the producing unit

  const double beat = p.axi_bits / 8.0;
  const double weight_rate = beat * p.axi_efficiency * p.weight_ports;      // bytes per cycle
  const double act_rate = beat * p.axi_efficiency * p.activation_ports;
  const double ddr_rate = p.ddr_peak_gbps * 1e9 / (p.clock_mhz * 1e6);
  const double fill = static_cast<double>(r.stats.fills) * depth_of(p, unit);

  double compute = 0, weights = 0;
  if (!r.pipelined.empty()) {
    // Experts one after the other, double-buffered: l₀ + Σ max(cᵢ, lᵢ₊₁), after the gate.
    const hw::UnitStats& gate_part = r.stats;  // totals; the gate is what the experts don't account for
    std::int64_t expert_cycles = 0, expert_fills = 0, expert_weights = 0;
    for (const auto& e : r.pipelined) expert_cycles += e.cycles, expert_fills += e.fills, expert_weights += e.weight_bytes;
    const double gate_compute = static_cast<double>(gate_part.cycles - expert_cycles) +
                                static_cast<double>(gate_part.fills - expert_fills) * depth_of(p, unit);
    const double gate_weights = static_cast<double>(gate_part.weight_bytes - expert_weights) / weight_rate;
    double chain = 0;
    if (p.overlap_weight_loads) {
      chain = static_cast<double>(r.pipelined.front().weight_bytes) / weight_rate;
      for (std::size_t i = 0; i < r.pipelined.size(); ++i) {
        const double c = static_cast<double>(r.pipelined[i].cycles) + static_cast<double>(r.pipelined[i].fills) * depth_of(p, unit);
        const double next = i + 1 < r.pipelined.size() ? static_cast<double>(r.pipelined[i + 1].weight_bytes) / weight_rate : 0.0;
        chain += std::max(c, next);
        compute += c;
      }
      weights = std::max(gate_compute, gate_weights) + chain;  // ≥ compute: the weight-gated critical path
    } else {
      // load_w_gate, the gate, then per expert its loads and its compute, one after the other.
      for (const auto& e : r.pipelined) {
        const double c = static_cast<double>(e.cycles) + static_cast<double>(e.fills) * depth_of(p, unit);
        chain += static_cast<double>(e.weight_bytes) / weight_rate + c;
        compute += c;
      }
      weights = gate_weights + gate_compute + chain;
    }
    compute += gate_compute;
    const double acts = static_cast<double>(t.act_bytes) / act_rate;
    const double ddr = static_cast<double>(t.weight_bytes + t.act_bytes) / ddr_rate;
    t.compute_cycles = compute;
    t.load_cycles = static_cast<double>(t.weight_bytes) / weight_rate;
    t.memory_cycles = std::max({weights, acts, ddr});
    t.cycles = t.memory_cycles + p.invocation_overhead;
    return t;
  }

  compute = static_cast<double>(r.stats.cycles) + fill;
  weights = static_cast<double>(r.stats.weight_bytes) / weight_rate;
  const double acts = static_cast<double>(t.act_bytes) / act_rate;
  t.compute_cycles = compute;
  t.load_cycles = weights;
  if (p.overlap_weight_loads || r.stats.weight_bytes == 0) {
    const double ddr = static_cast<double>(t.weight_bytes + t.act_bytes) / ddr_rate;
    t.memory_cycles = std::max({weights, acts, ddr});
    t.cycles = std::max(compute, t.memory_cycles) + p.invocation_overhead;
  } else {
    // load_linear_weights, then compute_linear with the activations streaming through.
    const double ddr = static_cast<double>(t.act_bytes) / ddr_rate;
    t.memory_cycles = std::max(acts, ddr);
    t.cycles = weights + std::max(compute, t.memory_cycles) + p.invocation_overhead;
  }
  return t;
}

CycleReport make_report(const CycleModelParams& p, std::vector<StepTime> steps) {
  CycleReport r;
  r.clock_mhz = p.clock_mhz;
  for (const auto& s : steps) {
    r.total_cycles += s.cycles;
    r.compute_cycles += s.compute_cycles;
    r.ddr_bytes += s.weight_bytes + s.act_bytes;
  }
  r.steps = std::move(steps);
  return r;
}

std::vector<UnitTotal> CycleReport::by_unit() const {
  std::map<Unit, UnitTotal> m;
  for (const auto& s : steps) {
    UnitTotal& u = m[s.unit];
    u.unit = s.unit;
    u.cycles += s.cycles;
    u.macs += s.macs;
    ++u.steps;
  }
  std::vector<UnitTotal> out;
  for (auto& [unit, total] : m) out.push_back(total);
  return out;
}

std::string CycleReport::format_breakdown() const {
  std::string s = "unit          steps      cycles   share       ms   GMAC/s\n";
  const double hz = clock_mhz * 1e6;
  for (const UnitTotal& u : by_unit()) {
    char line[128];
    const double sec = u.cycles / hz;
    std::snprintf(line, sizeof line, "%-12s %6d %11.0f %6.1f%% %8.3f %8.1f\n", std::string(unit_name(u.unit)).c_str(), u.steps,
                  u.cycles, total_cycles > 0 ? 100.0 * u.cycles / total_cycles : 0.0, sec * 1e3,
                  sec > 0 ? static_cast<double>(u.macs) / sec / 1e9 : 0.0);
    s += line;
  }
  char line[128];
  std::snprintf(line, sizeof line, "%-12s %6zu %11.0f %6.1f%% %8.3f   (%.0f MHz, modeled)\n", "total", steps.size(), total_cycles, 100.0,
                seconds() * 1e3, clock_mhz);
  s += line;
  return s;
}

}  // namespace eb::fpga
