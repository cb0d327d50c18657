// A graph compiled for the Edge-MoE datapath and run as its bit-accurate C simulation.
//
// Each run converts the inputs to the datapath's formats (as the host does before DMA),
// runs the steps, converts the outputs back to f32, and charges the run with the cycle
// model: last_device_time() is the modeled board time (Provenance::modeled), and with
// profiling on, last_profile() has one entry per node: op "fpga:<unit>" and the node's
// modeled time. last_cycles() and last_power() give the per-unit breakdown and the
// modeled board power and energy of the datapath's part of the run (power_model.h).
//
// The device time is the system time of the run on a board, in two modeled parts: the
// datapath (the cycle model) and the DDR transfers of the inputs into the kernel's buffers
// and of the outputs back (transfer_model.h), labelled apart (DeviceTime::transfer_ns).
// The watts cover both: the datapath's modeled power over its time, static power plus the
// DDR energy of the bytes moved over the transfers' time.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "backends/fpga/cycle_model.h"
#include "backends/fpga/lower.h"
#include "backends/fpga/power_model.h"
#include "backends/fpga/transfer_model.h"
#include "core/backend.h"

namespace eb::fpga {

class FpgaExecutable final : public Executable {
 public:
  // `settings`: the fpga backend's resolved options (Backend::resolved_options).
  FpgaExecutable(const Graph& graph, const Weights& weights, const CompileOptions& options, const ResolvedOptions& settings);

  std::vector<Tensor> run(std::span<const Tensor> inputs) override;
  std::optional<DeviceTime> last_device_time() const override;
  void enable_profiling(bool on) override { profiling_ = on; }
  std::vector<NodeProfile> last_profile() const override;
  std::map<std::string, std::string> info() const override;

  const CycleReport& last_cycles() const { return cycles_; }
  std::optional<PowerEstimate> last_power() const;
  const CycleModelParams& cycle_model() const { return model_; }
  // Bytes moved between the host's buffers and the kernel's in the last run, and their time.
  std::int64_t last_transfer_bytes() const { return transfer_bytes_; }
  double last_transfer_ns() const { return transfer_.ns(transfer_bytes_); }
  // The board power model (power_model.h); idle is its static power.
  std::optional<PowerModelInfo> power_model() const override;
  std::optional<double> last_modeled_watts() const override;

 private:
  Program program_;
  CycleModelParams model_;
  BoardPowerParams power_;
  TransferModel transfer_;
  std::map<std::string, std::string> compile_info_;
  bool profiling_ = false;
  bool ran_ = false;
  CycleReport cycles_;
  std::int64_t input_saturated_ = 0;
  std::int64_t wraps_ = 0;   // results the datapath wrapped in the last run
  std::string first_wrap_;   // the node of the first step that wrapped one
  std::int64_t transfer_bytes_ = 0;

  std::int64_t count_transfer_bytes() const;
  double run_joules() const;  // datapath energy + the transfers' (static power and DDR energy)
};

}  // namespace eb::fpga
