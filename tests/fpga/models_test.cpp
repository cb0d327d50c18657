// The cycle model (from the units' counts to cycles) and the board power model.
#include <gtest/gtest.h>

#include "backends/fpga/cycle_model.h"
#include "backends/fpga/lower.h"
#include "backends/fpga/power_model.h"
#include "backends/fpga/transfer_model.h"
#include "backends/fpga/options.h"

namespace eb::fpga {
namespace {

StepReport linear_report(std::int64_t cycles, std::int64_t weight_bytes, std::int64_t act_bytes = 0) {
  StepReport r;
  r.stats.cycles = cycles;
  r.stats.fills = 1;
  r.stats.weight_bytes = weight_bytes;
  r.stats.act_read_bytes = act_bytes;
  r.stats.macs = cycles * 256;
  return r;
}

TEST(CycleModel, ComputeBoundLayerCostsItsLoopIterationsPlusFillAndOverhead) {
  const CycleModelParams p;
  // QKV of M³ViT: 129 rows × 36 out blocks × 12 in blocks.
  const StepTime t = step_time(p, "qkv", Unit::linear, linear_report(129 * 36 * 12, 576 * 192 * 2 + 576 * 2, 129 * 192 * 4));
  EXPECT_EQ(t.compute_cycles, 129 * 36 * 12 + p.depth_linear);
  // Sequential loads (the default, as Edge-MoE's top level calls load_linear_weights and
  // then compute_linear): the weight load comes first, then the compute.
  const double load = (576.0 * 192 * 2 + 576 * 2) / (32 * 0.8);
  EXPECT_DOUBLE_EQ(t.load_cycles, load);
  EXPECT_DOUBLE_EQ(t.cycles, load + t.compute_cycles + p.invocation_overhead);
  // Overlapped: the load hides behind the compute.
  CycleModelParams overlap = p;
  overlap.overlap_weight_loads = true;
  const StepTime o = step_time(overlap, "qkv", Unit::linear, linear_report(129 * 36 * 12, 576 * 192 * 2 + 576 * 2, 129 * 192 * 4));
  EXPECT_EQ(o.cycles, o.compute_cycles + p.invocation_overhead);
}

TEST(CycleModel, WeightBoundLayerCostsItsTransfer) {
  CycleModelParams p;
  p.overlap_weight_loads = true;
  // One token through a big layer: 1 MB of weights at 32 B × 0.8 per cycle.
  const StepTime t = step_time(p, "fc", Unit::linear, linear_report(100, 1 << 20));
  EXPECT_DOUBLE_EQ(t.memory_cycles, (1 << 20) / (32 * 0.8));
  EXPECT_DOUBLE_EQ(t.cycles, t.memory_cycles + p.invocation_overhead);
  // Sequential: the load, then the 100 iterations and the fill.
  p.overlap_weight_loads = false;
  const StepTime s = step_time(p, "fc", Unit::linear, linear_report(100, 1 << 20));
  EXPECT_DOUBLE_EQ(s.cycles, (1 << 20) / (32 * 0.8) + 100 + p.depth_linear + p.invocation_overhead);
}

// Weight bytes the AXI ports bring per cycle: 32 B × 0.8 efficiency.
constexpr double kWeightBytesPerCycle = 32 * 0.8;

// An MoE step of three experts computing 400, 3000 and 500 cycles, each loading 1000
// cycles of weights, behind a gate of 200 cycles (whose weights are not counted).
StepReport three_expert_moe_report() {
  StepReport r;
  const auto load = static_cast<std::int64_t>(1000 * kWeightBytesPerCycle);
  for (std::int64_t c : {400, 3000, 500}) {
    hw::UnitStats e;
    e.cycles = c;
    e.weight_bytes = load;
    r.pipelined.push_back(e);
    r.stats += e;
  }
  r.stats.cycles += 200;
  return r;
}

TEST(CycleModel, ExpertsLoadThenComputeOneAfterTheOther) {
  CycleModelParams p;
  p.invocation_overhead = 0;
  p.depth_linear = 0;
  StepReport r = three_expert_moe_report();
  r.stats.weight_bytes += static_cast<std::int64_t>(50 * kWeightBytesPerCycle);  // the gate's weights: 50 cycles
  const StepTime t = step_time(p, "moe", Unit::moe, r);
  // load_w_gate 50, gate 200, then per expert load + compute.
  EXPECT_DOUBLE_EQ(t.cycles, 50 + 200 + (1000 + 400) + (1000 + 3000) + (1000 + 500));
  EXPECT_DOUBLE_EQ(t.compute_cycles, 200 + 400 + 3000 + 500);
  // One more iteration of an expert's loop is one more cycle.
  r.pipelined[1].cycles += 1;
  r.stats.cycles += 1;
  EXPECT_DOUBLE_EQ(step_time(p, "moe", Unit::moe, r).cycles, t.cycles + 1);
}

TEST(CycleModel, ExpertsAreDoubleBufferedWhenLoadsOverlap) {
  CycleModelParams p;
  p.invocation_overhead = 0;
  p.depth_linear = 0;
  p.overlap_weight_loads = true;
  StepReport r = three_expert_moe_report();
  const StepTime t = step_time(p, "moe", Unit::moe, r);
  // gate 200, then l₀ = 1000, max(400, 1000) + max(3000, 1000) + max(500, 0).
  EXPECT_DOUBLE_EQ(t.cycles, 200 + 1000 + 1000 + 3000 + 500);
  EXPECT_DOUBLE_EQ(t.compute_cycles, 200 + 400 + 3000 + 500);
}

TEST(CycleModel, OptionsChangeTheClockAndAreRecorded) {
  const auto p = CycleModelParams::from(ResolvedOptions(fpga_options(), {{"fpga.clock_mhz", "200"}, {"fpga.axi_efficiency", "0.5"}, {"other", "x"}}));
  EXPECT_EQ(p.clock_mhz, 200);
  EXPECT_EQ(p.axi_efficiency, 0.5);
  EXPECT_NE(p.describe().find("clock=200MHz"), std::string::npos);
  EXPECT_EQ(p.provenance().kind, Provenance::Kind::modeled);
  EXPECT_EQ(p.as_info().at("fpga.clock_mhz"), "200");
  EXPECT_THROW(CycleModelParams::from(ResolvedOptions(fpga_options(), {{"fpga.clock_mhz", "fast"}})), std::invalid_argument);
  EXPECT_THROW(CycleModelParams::from(ResolvedOptions(fpga_options(), {{"fpga.axi_efficiency", "1.5"}})), std::invalid_argument);
  EXPECT_FALSE(p.overlap_weight_loads);
  EXPECT_NE(p.describe().find("loads=sequential"), std::string::npos);
  EXPECT_TRUE(CycleModelParams::from(ResolvedOptions(fpga_options(), {{"fpga.weight_load", "overlap"}})).overlap_weight_loads);
  EXPECT_THROW(CycleModelParams::from(ResolvedOptions(fpga_options(), {{"fpga.weight_load", "sometimes"}})), std::invalid_argument);

  const CycleReport r = make_report(p, {step_time(p, "a", Unit::linear, linear_report(2000000, 0))});
  EXPECT_NEAR(r.seconds(), (2000000 + p.depth_linear + p.invocation_overhead) / 200e6, 1e-12);
  EXPECT_NE(r.format_breakdown().find("linear"), std::string::npos);
}

TEST(PowerModel, StaticPlusActivityScaledDynamicPlusDdr) {
  const CycleModelParams cp;
  const CycleReport r = make_report(cp, {step_time(cp, "a", Unit::linear, linear_report(3000000, 0, 30000000))});
  const BoardPowerParams p;
  const PowerEstimate e = estimate_power(p, r);
  const double ddr_w = 160e-12 * 30000000 / r.seconds();
  EXPECT_NEAR(e.watts, 3.5 + 4.0 * e.activity + ddr_w, 1e-9);
  EXPECT_GT(e.activity, 0.99);
  EXPECT_NEAR(e.joules, e.watts * r.seconds(), 1e-12);
  EXPECT_EQ(e.provenance.kind, Provenance::Kind::modeled);
  EXPECT_NE(e.provenance.source.find("zcu102-power-model"), std::string::npos);
}

TEST(PowerModel, AConfiguredBoardFigureReplacesTheModel) {
  const CycleModelParams cp;
  const CycleReport r = make_report(cp, {step_time(cp, "a", Unit::linear, linear_report(3000000, 0))});
  const auto p = BoardPowerParams::from(ResolvedOptions(fpga_options(), {{"fpga.power.watts", "9.25"}, {"fpga.power.source", "meter on ZCU102 rail"}}));
  const PowerEstimate e = estimate_power(p, r);
  EXPECT_EQ(e.watts, 9.25);
  EXPECT_EQ(e.provenance.kind, Provenance::Kind::modeled);  // the time is still modeled
  EXPECT_NE(e.provenance.source.find("meter on ZCU102 rail"), std::string::npos);
  EXPECT_THROW(BoardPowerParams::from(ResolvedOptions(fpga_options(), {{"fpga.power.static_w", "-1"}})), std::invalid_argument);
}

TEST(PowerModel, EveryDefaultIsLabelledAssumedInTheRecord) {
  const BoardPowerParams defaults;
  EXPECT_NE(defaults.describe().find("assumed"), std::string::npos);
  const auto info = defaults.as_info();
  for (const char* key : {"fpga.power.static_w.basis", "fpga.power.dynamic_w.basis", "fpga.power.ddr_pj_per_byte.basis"})
    EXPECT_EQ(info.at(key), "assumed (no source)") << key;
  const auto set = BoardPowerParams::from(ResolvedOptions(fpga_options(), {{"fpga.power.static_w", "2.9"}})).as_info();
  EXPECT_EQ(set.at("fpga.power.static_w.basis"), "configured");
  EXPECT_EQ(set.at("fpga.power.dynamic_w.basis"), "assumed (no source)");
}

// The declarations take their defaults from the models' structs, and the models read them
// back through the framework's parse: with nothing given, exactly the structs' defaults.
TEST(FpgaOptions, DeclaredDefaultsReadBackAsTheModelsDefaults) {
  const ResolvedOptions d(fpga_options(), {});
  EXPECT_EQ(CycleModelParams::from(d).as_info(), CycleModelParams{}.as_info());
  EXPECT_EQ(BoardPowerParams::from(d).as_info(), BoardPowerParams{}.as_info());
  EXPECT_EQ(TransferModel::from(d).describe(), TransferModel{}.describe());
  const PixelOptions px = PixelOptions::from(d), px0;
  EXPECT_EQ(px.enabled, px0.enabled);
  EXPECT_EQ(px.mean, px0.mean);
  EXPECT_EQ(px.std, px0.std);
  // Given, the transfer rate names itself configured; lists of two lengths are refused.
  EXPECT_EQ(TransferModel::from(ResolvedOptions(fpga_options(), {{"fpga.transfer_gbps", "17.06"}})).source, "configured");
  EXPECT_THROW(PixelOptions::from(ResolvedOptions(fpga_options(), {{"fpga.pixel_mean", "0.5"}})), std::invalid_argument);
  EXPECT_THROW(PixelOptions::from(ResolvedOptions(fpga_options(), {{"fpga.pixel_std", "0.2,0,0.2"}})), std::invalid_argument);
}

}  // namespace
}  // namespace eb::fpga
