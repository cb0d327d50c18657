// Calibration for post-training quantisation: the float graph is run on N seeded
// representative inputs (TFLite's representative_dataset) and the min and max of every
// tensor are recorded. Convolutions and linear layers whose activation TFLite does not
// fuse (hard-swish, logistic, hard-sigmoid) also record their pre-activation output,
// which becomes a tensor of its own in the quantised graph ("<node>:preact").
//
// Representative inputs: a backend sees only the graph, not the data set, so they are
// synthesised from (seed, input name, sample) with eb::Rng — for image tensors
// [N, C, H, W] a smooth scene (per-channel gradient, a few flat rectangles, a little
// noise), otherwise uniform values — within the input range [lo, hi] (default [−1, 1], the
// SSD/MobileDet preprocessing; "edgetpu.calibration.range" = "lo,hi").
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/backend_options.h"
#include "core/graph.h"
#include "core/weights.h"

namespace eb::edgetpu {

struct Range {
  float min = 0;
  float max = 0;
};

struct CalibrationSettings {
  int samples = 8;
  std::uint64_t seed = 0;
  float input_lo = -1.0f;
  float input_hi = 1.0f;

  // From "edgetpu.calibration" (samples), "edgetpu.calibration.seed" and
  // "edgetpu.calibration.range" ("lo,hi"), as declared (options.h: calibration_option_specs).
  // Throws std::invalid_argument for a range that is not two numbers with lo < hi, the one
  // thing the declaration cannot say.
  static CalibrationSettings from(const ResolvedOptions& options);
};

// Name under which a node's pre-activation output is recorded.
std::string preact_name(const std::string& node);
// Whether TFLite keeps this activation as a separate op after conv / linear.
bool activation_is_separate(Activation a);

// Sample `sample` of the representative inputs, in graph.inputs order.
std::vector<Tensor> representative_inputs(const Graph& graph, const CalibrationSettings& s, int sample);

// Runs the float reference kernels on every sample; ranges by tensor name (inputs, node
// outputs, pre-activations).
std::map<std::string, Range> calibrate(const Graph& graph, const Weights& weights, const CalibrationSettings& s);

// The same, on the given input sets (for tests and for callers with real data).
// The walks over the float graph (calibration, quant_error.h) share these: the weights as
// f32 by name, and each tensor's last reader (to free activations early).
std::unordered_map<std::string, Tensor> f32_weights(const Graph& graph, const Weights& weights);
std::unordered_map<std::string, std::size_t> last_uses(const Graph& graph);
// A node's inputs as `args`: each from the activations `env` when there, else from `weights`.
void node_args(const Node& node, const std::unordered_map<std::string, Tensor>& env,
               const std::unordered_map<std::string, Tensor>& weights, std::vector<const Tensor*>& args);

std::map<std::string, Range> calibrate_on(const Graph& graph, const Weights& weights,
                                          const std::vector<std::vector<Tensor>>& samples);

}  // namespace eb::edgetpu
