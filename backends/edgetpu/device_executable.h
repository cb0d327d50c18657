// The edgetpu backend's executable when the backend option edgetpu.model names an
// Edge-TPU-compiled .tflite: the whole graph runs as that file on a real Edge TPU through
// DeviceRunner (device_runner.h) instead of the integer simulation. The file stands for the
// graph: it must have as many inputs and outputs, each of the graph's shape or, for rank 4,
// its NHWC layout (TFLite's) of the graph's NCHW, as tflite_export.h writes them (where
// both readings fit, C = H = W, the same shape is taken). Float graph tensors are quantised into
// int8/uint8 model inputs with each tensor's own scale and zero point (rounding to nearest,
// saturating) and model outputs dequantised back to float.
//
// last_device_time() is the measured time of TfLiteInterpreterInvoke (steady_clock). There
// is no power figure: the Edge TPU has no power sensor that libedgetpu exposes.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "backends/edgetpu/device_runner.h"
#include "core/backend.h"

namespace eb::edgetpu {

class EdgeTpuDeviceExecutable final : public Executable {
 public:
  // Opens the device (DeviceRunner) and checks the file's inputs and outputs against the
  // graph's; throws with a one-line reason when either fails.
  EdgeTpuDeviceExecutable(const Graph& graph, DeviceRunnerOptions options);

  std::vector<Tensor> run(std::span<const Tensor> inputs) override;
  std::optional<DeviceTime> last_device_time() const override;
  std::map<std::string, std::string> info() const override;

  const DeviceRunner& runner() const { return *runner_; }

 private:
  // How a graph tensor maps onto a model tensor.
  struct Binding {
    std::string name;   // the graph tensor
    Shape graph_shape;  // NCHW for rank 4
    bool nhwc = false;  // the model holds it transposed to NHWC
  };

  std::unique_ptr<DeviceRunner> runner_;
  std::vector<Binding> inputs_;
  std::vector<Binding> outputs_;
  std::map<std::string, std::string> info_;
  bool ran_ = false;
};

// Float values to a model input's bytes (quantised when the tensor is int8/uint8), and a
// model output's bytes to float; the layout is the model's. Throw std::invalid_argument for
// a type the runner does not convert or a quantised tensor without a scale.
std::vector<std::byte> to_model_bytes(std::span<const float> values, const ModelTensor& t);
std::vector<float> from_model_bytes(std::span<const std::byte> bytes, const ModelTensor& t);

}  // namespace eb::edgetpu
