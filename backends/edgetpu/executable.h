// A graph compiled for the Edge TPU as this build can run it without a device: quantised
// to int8 (calibration.h, quantized_program.h), run on the host with TFLite's integer
// arithmetic, and charged with the Edge TPU timing and power model (timing_model.h).
//
// last_device_time() is the modeled time of one invocation (Provenance::modeled; the
// harness and the partitioner add the host's measured share around it); with
// profiling on, last_profile() has one entry per layer (op "edgetpu:<op>", modeled time,
// and whether its parameters were cached or streamed) plus "edgetpu:invoke" (overhead and
// input/output transfer over the link).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "backends/edgetpu/calibration.h"
#include "backends/edgetpu/quantized_program.h"
#include "backends/edgetpu/timing_model.h"
#include "core/backend.h"

namespace eb::edgetpu {

class EdgeTpuExecutable final : public Executable {
 public:
  // `runtime_note` says why this is a simulation (what of libedgetpu/TFLite/device is missing).
  // `settings`: the edgetpu backend's resolved options (Backend::resolved_options).
  EdgeTpuExecutable(const Graph& graph, const Weights& weights, const CompileOptions& options, const ResolvedOptions& settings,
                    const std::string& runtime_note);

  std::vector<Tensor> run(std::span<const Tensor> inputs) override;
  std::optional<DeviceTime> last_device_time() const override;
  void enable_profiling(bool on) override { profiling_ = on; }
  std::vector<NodeProfile> last_profile() const override;
  std::map<std::string, std::string> info() const override;
  // The timing model's power (idle + W per TOPS at the modeled utilisation).
  std::optional<PowerModelInfo> power_model() const override;
  std::optional<double> last_modeled_watts() const override;

  const TimingReport& timing() const { return timing_; }
  const TpuParams& params() const { return params_; }
  const QuantizedProgram& program() const { return *program_; }

 private:
  TpuParams params_;
  CalibrationSettings calibration_;
  std::unique_ptr<QuantizedProgram> program_;
  TimingReport timing_;
  std::map<std::string, std::string> compile_info_;
  bool profiling_ = false;
  bool ran_ = false;
};

}  // namespace eb::edgetpu
