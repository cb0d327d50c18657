// The compiled graph: runs the Program's steps in order on the calling thread (oneDNN
// spreads each primitive over the compiled thread count).
//
// One executable owns one arena, so runs must not overlap: call run() from one thread at
// a time (the harness does). Inputs are copied in, outputs are returned as new tensors.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "backends/cpu/builder.h"
#include "backends/cpu/context.h"
#include "backends/cpu/power_model.h"
#include "core/backend.h"

namespace eb::cpu {

class CpuExecutable final : public Executable {
 public:
  CpuExecutable(Context ctx, Program program, std::vector<Shape> input_shapes, std::vector<Shape> output_shapes,
                std::map<std::string, std::string> info);

  std::vector<Tensor> run(std::span<const Tensor> inputs) override;
  void enable_profiling(bool on) override { profiling_ = on; }
  // One entry per node (a fused node is named "conv+add+..."), in run order.
  std::vector<NodeProfile> last_profile() const override { return profile_; }
  std::map<std::string, std::string> info() const override { return info_; }
  // The TDP model (power_model.h) when the user gave the CPU's TDP (cpu.tdp_watts), with
  // the executable's threads as busy cores.
  void set_power_model(TdpPowerModel model) { power_ = model; }
  std::optional<PowerModelInfo> power_model() const override;
  std::optional<double> last_modeled_watts() const override;

 private:
  Context ctx_;
  Program program_;
  std::vector<Shape> input_shapes_;
  std::vector<Shape> output_shapes_;
  std::map<std::string, std::string> info_;
  bool profiling_ = false;
  std::vector<NodeProfile> profile_;
  std::optional<TdpPowerModel> power_;
};

}  // namespace eb::cpu
