// A graph compiled for the datapath: activation buffers in (emulated) DDR, allocated once
// at compile time, and an ordered list of steps, each one invocation of a datapath unit on
// those buffers. Running a step returns what the unit did (its loop trip counts and DDR
// traffic), which the cycle model turns into time.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "backends/fpga/hw/formats.h"
#include "backends/fpga/hw/params.h"
#include "backends/fpga/hw/unit_stats.h"
#include "core/tensor.h"

namespace eb::fpga {

// The datapath units, as the cycle model and the per-unit breakdown name them.
enum class Unit : std::uint8_t { linear, patch_embed, conv, attention, layernorm, moe, add, gelu, layout };
std::string_view unit_name(Unit u);

// One activation tensor in DDR, in the graph's logical (row-major) layout.
struct ActBuffer {
  Shape shape;
  std::vector<hw::act_t> data;
};

// What one step did: a unit's counts, and for MoE one entry per expert so the model can
// overlap each expert's weight load with the previous expert's compute.
struct StepReport {
  hw::UnitStats stats;
  std::vector<hw::UnitStats> pipelined;  // MoE: per active expert, in order (empty otherwise)
  int active_experts = 0;
};

// An image input that may enter the datapath as 8-bit pixels (Edge-MoE's pixel format):
// when every value of this run's input is an 8-bit level k/255 normalised with (mean, std)
// — exactly as the workload computed it in float — the host stages the levels and the
// patch embedding runs on pixels with the normalisation folded into its weights;
// otherwise it runs on the Q32.10 activations of the same input.
struct PixelInput {
  int buffer = -1;                  // the act_t buffer staged from the same graph input
  std::vector<float> mean, std;     // per channel
  std::vector<hw::pixel_t> levels;  // staged on each run, NCHW
  bool valid = false;               // this run's input was 8-bit levels under (mean, std)
};

// The datapath's DDR: every buffer the steps read and write.
struct Memory {
  std::vector<ActBuffer> buffers;
  std::vector<PixelInput> pixels;
};

class Step {
 public:
  Step(std::string node, Unit unit) : node_(std::move(node)), unit_(unit) {}
  virtual ~Step() = default;
  Step(const Step&) = delete;
  Step& operator=(const Step&) = delete;

  virtual StepReport run(Memory& memory) = 0;
  const std::string& node() const { return node_; }
  Unit unit() const { return unit_; }

 private:
  std::string node_;
  Unit unit_;
};

struct Program {
  Memory memory;                               // activations, constant operands, pixel staging
  std::vector<std::unique_ptr<Step>> steps;    // in graph order
  std::vector<int> inputs;                     // buffer of each graph input
  std::vector<int> outputs;                    // buffer of each graph output
  std::int64_t weight_values = 0;              // weights converted to fixed point
  std::int64_t weight_saturated = 0;           // of which clamped
  std::string first_saturated;
};

}  // namespace eb::fpga
