// Board power of the Edge-MoE accelerator, for energy per inference when no meter is read.
//
//   P = static + pl_dynamic · activity + ddr_energy · DDR bytes / time
//   activity = compute cycles / total cycles   (the share of the run the MAC arrays work)
//
// Default parameters for a ZCU102 (XCZU9EG-2) running the datapath at 300 MHz are
// ASSUMED: no published ZCU102 measurement or Xilinx Power Estimator (XPE) run of this
// design backs them (none was found; XPE's guide, UG440, documents the method, not these
// figures). The record labels each one "assumed" (as_info), and the model's name says so:
//   static      3.5 W   PS (quad A53 under Linux, idle) ≈ 1.8 W, PL static ≈ 0.8 W,
//                       DDR4 background/refresh ≈ 0.5 W, regulator losses ≈ 0.4 W
//   pl_dynamic  4.0 W   the 256-MAC array, attention lanes, BRAM and routing toggling at 300 MHz
//   ddr_energy  160 pJ/B  DDR4 read/write incl. PHY (≈ 20 pJ/bit)
// Override them with CompileOptions::extra "fpga.power.static_w", "fpga.power.dynamic_w",
// "fpga.power.ddr_pj_per_byte", or replace the model by a figure measured on a board with
// "fpga.power.watts" (then the power is that figure and its source is named
// "fpga.power.source", default "configured"). Energy is always power × the modeled time,
// so every energy figure from here is Provenance::modeled; a meter read by the harness
// (--power meter) supersedes it there.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "backends/fpga/cycle_model.h"
#include "core/provenance.h"

namespace eb::fpga {

struct BoardPowerParams {
  double static_w = 3.5;
  double pl_dynamic_w = 4.0;
  double ddr_pj_per_byte = 160.0;
  std::optional<double> fixed_watts;  // a configured (e.g. measured) board power replacing the model
  std::string fixed_source = "configured";

  // From the fpga backend's resolved options (fpga.power.*; options.h).
  static BoardPowerParams from(const ResolvedOptions& options);
  // "zcu102-power-model(assumed: static=3.5W, pl=4.0W, ddr=160pJ/B)" or "configured-power(9.1W, source)"
  std::string describe() const;
  std::map<std::string, std::string> as_info() const;
};

struct PowerEstimate {
  double watts = 0;
  double seconds = 0;  // modeled device time of the run
  double joules = 0;   // per run
  double activity = 0;
  Provenance provenance;
};

PowerEstimate estimate_power(const BoardPowerParams& p, const CycleReport& run);

}  // namespace eb::fpga
