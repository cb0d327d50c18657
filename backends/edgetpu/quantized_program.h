// A graph lowered to int8 as TFLite's full-integer post-training quantisation would
// produce it, ready to run on the integer kernels (kernels.h).
//
// Lowering, node by node, from the calibrated ranges (calibration.h):
//   inputs           quantised with their calibrated parameters (the QUANTIZE op a
//                    float-interface TFLite model starts with; values outside the range
//                    saturate and are counted);
//   conv2d, linear   per-channel int8 weights, int32 bias; ReLU/ReLU6 fused as a clamp;
//                    hard-swish, logistic and hard-sigmoid become a separate op on a
//                    "<node>:preact" tensor with its own parameters;
//   logistic, hard-sigmoid   output fixed at scale 1/256, zero point −128 (TFLite's rule);
//   reshape, transpose, slice, average pool, resize bilinear   output shares the input's
//                    parameters (TFLite requires it of these int8 ops);
//   concat           inputs whose parameters differ are requantised to the output's
//                    (TFLite inserts QUANTIZE ops: its int8 concat needs equal parameters);
//   add, mul         rescaling inside the op.
// Outputs are dequantised to f32 (the DEQUANTIZE a float-interface model ends with).
//
// Every step is also recorded as a LoweredOp (ops()), a structured description of what it
// computes, so that the quantised graph can be written out (tflite_export.h) exactly as it
// runs here.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "backends/edgetpu/calibration.h"
#include "backends/edgetpu/kernels.h"
#include "backends/edgetpu/quant_params.h"
#include "core/graph.h"
#include "core/weights.h"

namespace eb::edgetpu {

struct QTensor {
  std::string name;
  Shape shape;
  QParams q;
  std::vector<std::int8_t> data;
  bool constant = false;  // a per-tensor int8 constant operand (data fixed at lowering), not an activation
};

// The int8 weights of one conv2d / linear step: per-output-channel symmetric values in the
// graph's layout ([O, C/groups, kh, kw] or [N, K]), their float32 scales, the int32 bias
// (empty when the node has none) and the requantisation the kernel applies.
struct ConvWeights {
  Shape shape;
  std::vector<std::int8_t> values;
  std::vector<float> scales;
  std::vector<std::int32_t> bias;
  ConvQuant q;
};

// One lowered step, in execution order. Tensor names are those of tensor(): graph inputs,
// node outputs, "<node>:preact", "<node>:requantize:<input>", and per-tensor constants.
struct LoweredOp {
  enum class Kind {
    conv2d,           // attrs: Conv2dAttrs; weights; fused (none, relu, relu6)
    linear,           // attrs: LinearAttrs; weights; fused
    hardswish,        // TFLite HARD_SWISH
    logistic,         // 256-entry table of the sigmoid (TFLite LOGISTIC)
    hardsigmoid,      // 256-entry table of relu6(x + 3)/6 (no single TFLite op)
    relu,             // TFLite RELU
    relu6,            // TFLite RELU6
    add,              // NumPy broadcasting
    mul,              // NumPy broadcasting
    requantize,       // int8 -> int8 on new parameters (TFLite QUANTIZE)
    concat,           // attrs: ConcatAttrs; inputs already on the output's parameters
    reshape,          // attrs: ReshapeAttrs
    transpose,        // attrs: TransposeAttrs
    slice,            // attrs: SliceAttrs
    global_avg_pool,  // [N, C, H, W] -> [N, C, 1, 1]
    resize_bilinear,  // attrs: ResizeAttrs
  };
  Kind kind = Kind::conv2d;
  std::string node;  // the graph node this step belongs to
  std::vector<std::string> inputs;
  std::string output;
  OpAttrs attrs;
  std::shared_ptr<const ConvWeights> weights;  // conv2d / linear only
  Activation fused = Activation::none;         // conv2d / linear: the clamp fused into the op
};

class QuantizedProgram {
 public:
  // Throws std::invalid_argument for a node that has no int8 lowering here or a tensor
  // with no calibrated range.
  QuantizedProgram(const Graph& graph, const Weights& weights, const std::map<std::string, Range>& ranges);

  // Float in (graph input order), float out (graph output order).
  std::vector<Tensor> run(std::span<const Tensor> inputs);
  // The int8 values and parameters of any tensor after the last run (inputs, node
  // outputs, "<node>:preact").
  const QTensor& tensor(const std::string& name) const;
  std::int64_t last_input_saturated() const { return input_saturated_; }
  std::int64_t weight_bytes() const { return weight_bytes_; }
  // The lowered steps in execution order, and the graph's input and output tensor names.
  const std::vector<LoweredOp>& ops() const { return ops_; }
  const std::vector<std::string>& input_names() const { return inputs_; }
  const std::vector<std::string>& output_names() const { return outputs_; }

 private:
  QTensor& slot(const std::string& name);
  QTensor& define(const std::string& name, const Shape& shape, QParams q);
  void lower(const Graph& graph, const Node& node, const Weights& weights, const std::map<std::string, Range>& ranges);

  struct Step {
    std::string node;
    std::function<void()> run;
  };
  std::vector<std::unique_ptr<QTensor>> tensors_;
  std::map<std::string, QTensor*> by_name_;
  std::vector<std::string> inputs_;
  std::vector<std::string> outputs_;
  std::vector<Step> steps_;
  std::vector<LoweredOp> ops_;
  std::int64_t input_saturated_ = 0;
  std::int64_t weight_bytes_ = 0;
};

}  // namespace eb::edgetpu
