#include "backends/edgetpu/executable.h"

#include <fmt/format.h>

#include "backends/edgetpu/support.h"

namespace eb::edgetpu {

EdgeTpuExecutable::EdgeTpuExecutable(const Graph& graph, const Weights& weights, const CompileOptions& options,
                                     const ResolvedOptions& settings, const std::string& runtime_note)
    : params_(TpuParams::from(settings)), calibration_(CalibrationSettings::from(settings)) {
  graph.validate();
  program_ = std::make_unique<QuantizedProgram>(graph, weights, calibrate(graph, weights, calibration_));

  timing_ = model_timing(graph_work(graph, params_), params_);

  compile_info_ = params_.as_info();
  compile_info_["precision"] = "int8";
  compile_info_["precision.reason"] =
      options.precision == Precision::int8
          ? "TFLite full-integer quantisation, as the Edge TPU requires"
          : "the Edge TPU runs only int8 (" + std::string(precision_name(options.precision)) + " was requested)";
  compile_info_["edgetpu.mode"] = "integer simulation on the host with TFLite's int8 arithmetic; time and power modeled (" + runtime_note + ")";
  compile_info_["edgetpu.quantization"] =
      "weights int8 per-channel symmetric, activations int8 per-tensor asymmetric, biases int32, float interface (quantise in, dequantise out)";
  compile_info_["edgetpu.calibration"] = std::to_string(calibration_.samples);
  compile_info_["edgetpu.calibration.seed"] = std::to_string(calibration_.seed);
  compile_info_["edgetpu.calibration.range"] = fmt::format("{},{}", calibration_.input_lo, calibration_.input_hi);
  compile_info_["edgetpu.partition"] = describe_cut(graph);
  compile_info_["edgetpu.modeled.latency_ms"] = fmt::format("{:.4f}", timing_.total_ns * 1e-6);
  compile_info_["edgetpu.modeled.invoke_ms"] = fmt::format("{:.4f}", timing_.invoke_ns * 1e-6);
  compile_info_["edgetpu.modeled.transfer_ms"] = fmt::format("{:.4f}", timing_.transfer_ns * 1e-6);
  compile_info_["edgetpu.modeled.compute_ms"] = fmt::format("{:.4f}", timing_.compute_ns * 1e-6);
  compile_info_["edgetpu.modeled.layer_overhead_ms"] = fmt::format("{:.4f}", timing_.layer_overhead_ns * 1e-6);
  compile_info_["edgetpu.modeled.layers"] = std::to_string(timing_.counted_layers);
  compile_info_["edgetpu.modeled.activation_traffic_bytes"] = std::to_string(timing_.activation_traffic_bytes);
  compile_info_["edgetpu.modeled.activation_reserve_bytes"] = std::to_string(timing_.activation_reserve_bytes);
  compile_info_["edgetpu.modeled.macs"] = std::to_string(timing_.macs);
  compile_info_["edgetpu.modeled.utilisation"] = fmt::format("{:.4f}", timing_.utilisation);
  compile_info_["edgetpu.modeled.param_bytes"] = std::to_string(timing_.param_bytes);
  compile_info_["edgetpu.modeled.cached_bytes"] = std::to_string(timing_.cached_bytes);
  compile_info_["edgetpu.modeled.streamed_bytes"] = std::to_string(timing_.streamed_bytes);
  compile_info_["edgetpu.modeled.power_w"] = fmt::format("{:.4f}", timing_.watts);
  compile_info_["edgetpu.modeled.energy_mj"] = fmt::format("{:.5f}", timing_.joules * 1e3);
}

std::vector<Tensor> EdgeTpuExecutable::run(std::span<const Tensor> inputs) {
  auto out = program_->run(inputs);
  ran_ = true;
  return out;
}

std::optional<DeviceTime> EdgeTpuExecutable::last_device_time() const {
  if (!ran_) return std::nullopt;
  return DeviceTime{.ns = timing_.total_ns, .provenance = params_.provenance()};
}

std::vector<NodeProfile> EdgeTpuExecutable::last_profile() const {
  std::vector<NodeProfile> p;
  if (!profiling_ || !ran_) return p;
  const Provenance prov = params_.provenance();
  for (const auto& l : timing_.layers) p.push_back({l.node, "edgetpu:" + l.op + (l.cached ? "" : " (streamed)"), l.ns, prov});
  p.push_back({"invoke", "edgetpu:invoke", timing_.invoke_ns + timing_.transfer_ns, prov});
  return p;
}

std::optional<PowerModelInfo> EdgeTpuExecutable::power_model() const {
  return PowerModelInfo{params_.describe(), params_.as_info(), params_.idle_w};
}

std::optional<double> EdgeTpuExecutable::last_modeled_watts() const {
  if (!ran_) return std::nullopt;
  return timing_.watts;
}

std::map<std::string, std::string> EdgeTpuExecutable::info() const {
  auto m = compile_info_;
  if (ran_) m["edgetpu.last_run.input_saturated"] = std::to_string(program_->last_input_saturated());
  return m;
}

}  // namespace eb::edgetpu
