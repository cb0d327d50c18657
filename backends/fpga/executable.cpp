#include "backends/fpga/executable.h"

#include <cstdio>
#include <stdexcept>

#include "backends/fpga/hw/mac_array.h"

namespace eb::fpga {

FpgaExecutable::FpgaExecutable(const Graph& graph, const Weights& weights, const CompileOptions& options,
                               const ResolvedOptions& settings)
    : program_(lower(graph, weights, settings)),
      model_(CycleModelParams::from(settings)),
      power_(BoardPowerParams::from(settings)),
      transfer_(TransferModel::from(settings)) {
  compile_info_ = model_.as_info();
  compile_info_["fpga.transfer.model"] = transfer_.describe();
  for (auto& [k, v] : power_.as_info()) compile_info_[k] = v;
  compile_info_["precision"] = "fixed";
  compile_info_["precision.reason"] =
      options.precision == Precision::fixed
          ? "the Edge-MoE fixed-point formats"
          : "the Edge-MoE datapath computes only in its fixed-point formats (" + std::string(precision_name(options.precision)) +
                " was requested)";
  compile_info_["fpga.mode"] = "C simulation: bit-accurate datapath on the host; time and power from the cycle and power models";
  compile_info_["fpga.formats"] =
      "activations/accumulators Q32.10, linear+gate weights Q16.2, qkv/proj bias Q16.7, other bias+LayerNorm Q16.5, "
      "patch weights Q16.0, pixels UQ8.0; datapath truncates (AP_TRN) and wraps (AP_WRAP), as the design's ap_fixed "
      "defaults; host-side weight and input conversion floors and saturates (counted)";
  // Where this datapath is not yet bit for bit Edge-MoE's (docs/fpga-model.md), said in the record.
  compile_info_["fpga.formats.differences"] =
      "hls::exp and hls::sqrt modelled as correctly truncated functions on Q32.10 (not Vitis HLS's own implementations); "
      "host-side weight and input conversion clamps";
  compile_info_["fpga.datapath"] = "linear 16x16 MAC/cycle, attention 4 lanes x 8-value beats, single-pass softmax, GELU ROM 177 pts";
  compile_info_["fpga.sim.mac_path"] = hw::mac_block_vectorized() ? "avx2 (exact integer doubles)" : "portable (exact integer doubles)";
  compile_info_["fpga.weights.converted"] = std::to_string(program_.weight_values);
  compile_info_["fpga.weights.saturated"] = std::to_string(program_.weight_saturated);
  if (!program_.first_saturated.empty()) compile_info_["fpga.weights.first_saturated"] = program_.first_saturated;
}

std::vector<Tensor> FpgaExecutable::run(std::span<const Tensor> inputs) {
  if (inputs.size() != program_.inputs.size())
    throw std::invalid_argument("fpga: graph takes " + std::to_string(program_.inputs.size()) + " inputs, got " + std::to_string(inputs.size()));
  input_saturated_ = 0;
  for (std::size_t i = 0; i < inputs.size(); ++i) input_saturated_ += stage_input(program_, i, inputs[i]);

  std::vector<StepTime> times;
  times.reserve(program_.steps.size());
  wraps_ = 0;
  first_wrap_.clear();
  for (const auto& step : program_.steps) {
    StepReport rep = step->run(program_.memory);
    if (rep.stats.wraps > 0 && first_wrap_.empty()) first_wrap_ = step->node();
    wraps_ += rep.stats.wraps;
    times.push_back(step_time(model_, step->node(), step->unit(), rep));
  }
  cycles_ = make_report(model_, std::move(times));
  transfer_bytes_ = count_transfer_bytes();
  ran_ = true;

  std::vector<Tensor> out;
  out.reserve(program_.outputs.size());
  for (int idx : program_.outputs) {
    const ActBuffer& b = program_.memory.buffers[static_cast<std::size_t>(idx)];
    Tensor t(DType::f32, b.shape);
    auto d = t.data<float>();
    for (std::size_t i = 0; i < d.size(); ++i) d[i] = static_cast<float>(b.data[i].to_double());
    out.push_back(std::move(t));
  }
  return out;
}

std::int64_t FpgaExecutable::count_transfer_bytes() const {
  constexpr std::int64_t host_bytes = 4;  // f32 on the host
  constexpr std::int64_t act_bytes = 4;   // Q32.10 in the kernel's buffers
  std::int64_t bytes = 0;
  for (int idx : program_.inputs) {
    const auto n = static_cast<std::int64_t>(program_.memory.buffers[static_cast<std::size_t>(idx)].data.size());
    std::int64_t kernel = act_bytes;
    for (const PixelInput& p : program_.memory.pixels)
      if (p.buffer == idx && p.valid) kernel = 1;  // 8-bit pixels
    bytes += n * (host_bytes + kernel);
  }
  for (int idx : program_.outputs)
    bytes += static_cast<std::int64_t>(program_.memory.buffers[static_cast<std::size_t>(idx)].data.size()) * (act_bytes + host_bytes);
  return bytes;
}

double FpgaExecutable::run_joules() const {
  const PowerEstimate pe = estimate_power(power_, cycles_);
  const double t = last_transfer_ns() * 1e-9;
  const double transfer_joules = power_.fixed_watts ? *power_.fixed_watts * t
                                                    : power_.static_w * t + power_.ddr_pj_per_byte * 1e-12 * static_cast<double>(transfer_bytes_);
  return pe.joules + transfer_joules;
}

std::optional<DeviceTime> FpgaExecutable::last_device_time() const {
  if (!ran_) return std::nullopt;
  const double transfer_ns = last_transfer_ns();
  char what[96];
  std::snprintf(what, sizeof what, "%.3f MB between the host's and the kernel's buffers (%zu in, %zu out)",
                static_cast<double>(transfer_bytes_) * 1e-6, program_.inputs.size(), program_.outputs.size());
  return DeviceTime{.ns = cycles_.seconds() * 1e9 + transfer_ns,
                    .provenance = model_.provenance(),
                    .transfer_ns = transfer_ns,
                    .transfer_provenance = transfer_.provenance(),
                    .transfer_what = what};
}

std::vector<NodeProfile> FpgaExecutable::last_profile() const {
  std::vector<NodeProfile> p;
  if (!profiling_ || !ran_) return p;
  const Provenance prov = model_.provenance();
  for (const StepTime& s : cycles_.steps)
    p.push_back({s.node, "fpga:" + std::string(unit_name(s.unit)), s.cycles / (model_.clock_mhz * 1e6) * 1e9, prov});
  return p;
}

std::optional<PowerEstimate> FpgaExecutable::last_power() const {
  if (!ran_) return std::nullopt;
  return estimate_power(power_, cycles_);
}

std::optional<PowerModelInfo> FpgaExecutable::power_model() const {
  return PowerModelInfo{power_.describe(), power_.as_info(), power_.fixed_watts.value_or(power_.static_w)};
}

std::optional<double> FpgaExecutable::last_modeled_watts() const {
  if (!ran_) return std::nullopt;
  const double ns = cycles_.seconds() * 1e9 + last_transfer_ns();
  return ns > 0 ? run_joules() / (ns * 1e-9) : estimate_power(power_, cycles_).watts;
}

std::map<std::string, std::string> FpgaExecutable::info() const {
  auto m = compile_info_;
  if (ran_) {  // facts of the most recent run
    bool pixels = false;
    for (const PixelInput& p : program_.memory.pixels) pixels = pixels || p.valid;
    m["fpga.last_run.input_format"] =
        program_.memory.pixels.empty() ? "Q32.10 activations"
        : pixels ? "8-bit pixels (normalisation folded into the patch-embedding weights)"
                 : "Q32.10 activations (the image is not 8-bit levels under fpga.pixel_mean/std)";
    m["fpga.last_run.input_saturated"] = std::to_string(input_saturated_);
    // Results the datapath's fm_t arithmetic wrapped (AP_WRAP, as the design): a non-zero
    // count means a value left ±512 and came back with its sign flipped.
    m["fpga.last_run.fixed.wraps"] = std::to_string(wraps_);
    if (!first_wrap_.empty()) m["fpga.last_run.fixed.first_wrap"] = first_wrap_;
    m["fpga.last_run.cycles"] = std::to_string(static_cast<std::int64_t>(cycles_.total_cycles));
    for (const UnitTotal& u : cycles_.by_unit())
      m["fpga.last_run.cycles." + std::string(unit_name(u.unit))] = std::to_string(static_cast<std::int64_t>(u.cycles));
    const PowerEstimate pe = estimate_power(power_, cycles_);
    m["fpga.last_run.power_w"] = std::to_string(last_modeled_watts().value_or(pe.watts));  // over datapath + transfers
    m["fpga.last_run.datapath_power_w"] = std::to_string(pe.watts);
    m["fpga.last_run.energy_mj"] = std::to_string(run_joules() * 1e3);
    m["fpga.last_run.datapath_ms"] = std::to_string(cycles_.seconds() * 1e3);
    m["fpga.last_run.datapath_energy_mj"] = std::to_string(pe.joules * 1e3);
    m["fpga.last_run.transfer_bytes"] = std::to_string(transfer_bytes_);
    m["fpga.last_run.transfer_ms"] = std::to_string(last_transfer_ns() * 1e-6);
  }
  return m;
}

}  // namespace eb::fpga
