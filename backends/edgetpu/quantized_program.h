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
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "backends/edgetpu/calibration.h"
#include "backends/edgetpu/quant_params.h"
#include "core/graph.h"
#include "core/weights.h"

namespace eb::edgetpu {

struct QTensor {
  std::string name;
  Shape shape;
  QParams q;
  std::vector<std::int8_t> data;
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
  std::size_t step_count() const { return steps_.size(); }

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
  std::int64_t input_saturated_ = 0;
  std::int64_t weight_bytes_ = 0;
};

}  // namespace eb::edgetpu
