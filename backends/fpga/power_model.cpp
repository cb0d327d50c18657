#include "backends/fpga/power_model.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace eb::fpga {
namespace {

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

BoardPowerParams BoardPowerParams::from(const ResolvedOptions& options) {
  BoardPowerParams p;
  p.static_w = options.get_double("fpga.power.static_w");
  p.pl_dynamic_w = options.get_double("fpga.power.dynamic_w");
  p.ddr_pj_per_byte = options.get_double("fpga.power.ddr_pj_per_byte");
  if (options.has("fpga.power.watts")) p.fixed_watts = options.get_double("fpga.power.watts");
  if (options.has("fpga.power.source")) p.fixed_source = options.get_text("fpga.power.source");
  return p;
}

std::string BoardPowerParams::describe() const {
  if (fixed_watts) return "configured-power(" + num(*fixed_watts) + "W, " + fixed_source + ")";
  return "zcu102-power-model(assumed: static=" + num(static_w) + "W, pl=" + num(pl_dynamic_w) + "W, ddr=" + num(ddr_pj_per_byte) +
         "pJ/B)";
}

std::map<std::string, std::string> BoardPowerParams::as_info() const {
  std::map<std::string, std::string> m{{"fpga.power.model", describe()}};
  if (!fixed_watts) {
    m["fpga.power.static_w"] = num(static_w);
    m["fpga.power.dynamic_w"] = num(pl_dynamic_w);
    m["fpga.power.ddr_pj_per_byte"] = num(ddr_pj_per_byte);
    // Where each figure comes from: a default is an assumption with no source (power_model.h).
    const BoardPowerParams defaults;
    const auto basis = [](double value, double fallback) { return value == fallback ? "assumed (no source)" : "configured"; };
    m["fpga.power.static_w.basis"] = basis(static_w, defaults.static_w);
    m["fpga.power.dynamic_w.basis"] = basis(pl_dynamic_w, defaults.pl_dynamic_w);
    m["fpga.power.ddr_pj_per_byte.basis"] = basis(ddr_pj_per_byte, defaults.ddr_pj_per_byte);
  }
  return m;
}

PowerEstimate estimate_power(const BoardPowerParams& p, const CycleReport& run) {
  PowerEstimate e;
  e.seconds = run.seconds();
  e.activity = run.total_cycles > 0 ? std::clamp(run.compute_cycles / run.total_cycles, 0.0, 1.0) : 0.0;
  if (p.fixed_watts) {
    e.watts = *p.fixed_watts;
  } else {
    const double ddr_w = e.seconds > 0 ? p.ddr_pj_per_byte * 1e-12 * static_cast<double>(run.ddr_bytes) / e.seconds : 0.0;
    e.watts = p.static_w + p.pl_dynamic_w * e.activity + ddr_w;
  }
  e.joules = e.watts * e.seconds;
  e.provenance = Provenance::modeled(p.describe() + " x edge-moe-cycle-model time");
  return e;
}

}  // namespace eb::fpga
