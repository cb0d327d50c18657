// Where a quantised graph loses accuracy: every tensor of the int8 program (node outputs
// and "<node>:preact") compared with the same tensor of the float graph on the same input.
// The error at a node is accumulated (everything upstream ran in int8 too); the jump from a
// node's inputs to its output is what that node adds. For each tensor the report also
// says how much of the float values fell outside the int8 range (saturation: the range
// was too narrow) and the int8 step against the float values' spread (resolution: the
// range was too wide, or the tensor is per-tensor quantised over very unequal channels).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "backends/edgetpu/quantized_program.h"
#include "core/graph.h"
#include "core/weights.h"

namespace eb::edgetpu {

struct TensorError {
  std::string tensor;     // node output or "<node>:preact"
  std::string op;         // the graph node's op (with its fused activation for conv / linear)
  double relative_l2 = 0; // ‖dequant(int8) − float‖ / ‖float‖ (0 when both are zero)
  // The error this step adds alone: the float op run on the dequantised int8 inputs
  // against the int8 output. About step/√12 of the output's RMS when only rounding the
  // output to its grid; much more means saturation or an arithmetic defect.
  double local_l2 = 0;
  double cosine = 1;
  double saturated = 0;   // fraction of float values outside the int8 range
  double step_over_rms = 0;  // int8 scale / RMS of the float values
  float min = 0, max = 0;    // of the float values (the int8 range is q's)
  QParams q;
};

// Runs `program` and the float reference node by node on `inputs` (graph input order);
// one entry per int8 tensor that has a float counterpart, in execution order.
std::vector<TensorError> per_tensor_error(const Graph& graph, const Weights& weights, QuantizedProgram& program,
                                          std::span<const Tensor> inputs);

}  // namespace eb::edgetpu
