// A graph compiled for the Edge-MoE datapath and run as its bit-accurate C simulation.
//
// Each run converts the inputs to the datapath's formats (as the host does before DMA),
// runs the steps, converts the outputs back to f32, and charges the run with the cycle
// model: last_device_time() is the modeled board time (Provenance::modeled), and with
// profiling on, last_profile() has one entry per node: op "fpga:<unit>" and the node's
// modeled time. last_cycles() and last_power() give the per-unit breakdown and the
// modeled board power and energy of the run (power_model.h).
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "backends/fpga/cycle_model.h"
#include "backends/fpga/lower.h"
#include "backends/fpga/power_model.h"
#include "core/backend.h"

namespace eb::fpga {

class FpgaExecutable final : public Executable {
 public:
  FpgaExecutable(const Graph& graph, const Weights& weights, const CompileOptions& options);

  std::vector<Tensor> run(std::span<const Tensor> inputs) override;
  std::optional<DeviceTime> last_device_time() const override;
  void enable_profiling(bool on) override { profiling_ = on; }
  std::vector<NodeProfile> last_profile() const override;
  std::map<std::string, std::string> info() const override;

  const CycleReport& last_cycles() const { return cycles_; }
  std::optional<PowerEstimate> last_power() const;
  const CycleModelParams& cycle_model() const { return model_; }
  // The board power model (power_model.h); idle is its static power.
  std::optional<PowerModelInfo> power_model() const override;
  std::optional<double> last_modeled_watts() const override;

 private:
  Program program_;
  CycleModelParams model_;
  BoardPowerParams power_;
  std::map<std::string, std::string> compile_info_;
  bool profiling_ = false;
  bool ran_ = false;
  CycleReport cycles_;
  std::int64_t input_saturated_ = 0;
};

}  // namespace eb::fpga
