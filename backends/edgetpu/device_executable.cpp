#include "backends/edgetpu/device_executable.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace eb::edgetpu {
namespace {

Shape nhwc_of(const Shape& nchw) { return {nchw[0], nchw[2], nchw[3], nchw[1]}; }

// Copies a rank-4 array between NCHW and NHWC; `to_nhwc` says which way.
std::vector<float> permute(std::span<const float> src, const Shape& nchw, bool to_nhwc) {
  const std::int64_t n = nchw[0], c = nchw[1], h = nchw[2], w = nchw[3];
  std::vector<float> dst(src.size());
  for (std::int64_t in = 0; in < n; ++in)
    for (std::int64_t ic = 0; ic < c; ++ic)
      for (std::int64_t ih = 0; ih < h; ++ih)
        for (std::int64_t iw = 0; iw < w; ++iw) {
          const std::int64_t a = ((in * c + ic) * h + ih) * w + iw;  // NCHW index
          const std::int64_t b = ((in * h + ih) * w + iw) * c + ic;  // NHWC index
          if (to_nhwc) dst[b] = src[a];
          else dst[a] = src[b];
        }
  return dst;
}

template <class Q>
void quantise(std::span<const float> values, const ModelTensor& t, std::vector<std::byte>& out) {
  const double lo = std::numeric_limits<Q>::min(), hi = std::numeric_limits<Q>::max();
  for (std::size_t i = 0; i < values.size(); ++i) {
    // std::nearbyint rounds half to even in the default mode, as TFLite's quantize op does.
    const double q = std::clamp(std::nearbyint(values[i] / static_cast<double>(t.quant.scale)) + t.quant.zero_point, lo, hi);
    const Q v = static_cast<Q>(q);
    std::memcpy(out.data() + i, &v, 1);
  }
}

template <class Q>
void dequantise(std::span<const std::byte> bytes, const ModelTensor& t, std::vector<float>& out) {
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    Q v;
    std::memcpy(&v, bytes.data() + i, 1);
    out[i] = t.quant.scale * static_cast<float>(static_cast<std::int32_t>(v) - t.quant.zero_point);
  }
}

void check_convertible(const ModelTensor& t, const std::string& what) {
  if (tflite_type_size(t.type) == 0)
    throw std::invalid_argument("edgetpu: " + what + " is " + t.describe() + "; the runner converts only float32, int8 and uint8");
  if (t.type != kTfLiteFloat32 && !(t.quant.scale > 0.0f))
    throw std::invalid_argument("edgetpu: " + what + " is " + t.describe() + " without a quantisation scale");
}

}  // namespace

std::vector<std::byte> to_model_bytes(std::span<const float> values, const ModelTensor& t) {
  check_convertible(t, "a model input");
  std::vector<std::byte> out(values.size() * tflite_type_size(t.type));
  if (t.type == kTfLiteFloat32) std::memcpy(out.data(), values.data(), out.size());
  else if (t.type == kTfLiteInt8) quantise<std::int8_t>(values, t, out);
  else quantise<std::uint8_t>(values, t, out);
  return out;
}

std::vector<float> from_model_bytes(std::span<const std::byte> bytes, const ModelTensor& t) {
  check_convertible(t, "a model output");
  std::vector<float> out(bytes.size() / tflite_type_size(t.type));
  if (t.type == kTfLiteFloat32) std::memcpy(out.data(), bytes.data(), out.size() * sizeof(float));
  else if (t.type == kTfLiteInt8) dequantise<std::int8_t>(bytes, t, out);
  else dequantise<std::uint8_t>(bytes, t, out);
  return out;
}

EdgeTpuDeviceExecutable::EdgeTpuDeviceExecutable(const Graph& graph, DeviceRunnerOptions options)
    : runner_(std::make_unique<DeviceRunner>(std::move(options))) {
  const std::string& file = runner_->options().model;
  const auto bind = [&](const std::vector<std::string>& names, const std::vector<ModelTensor>& tensors, const char* kind) {
    if (names.size() != tensors.size())
      throw std::invalid_argument(fmt::format("edgetpu: '{}' has {} {}s, graph '{}' has {}", file, tensors.size(), kind, graph.name,
                                              names.size()));
    std::vector<Binding> out;
    for (std::size_t i = 0; i < names.size(); ++i) {
      const Shape& g = graph.info(names[i]).shape;
      const ModelTensor& m = tensors[i];
      Binding b{names[i], g, false};
      if (m.shape != g) {
        if (g.size() == 4 && m.shape == nhwc_of(g)) b.nhwc = true;
        else
          throw std::invalid_argument(fmt::format("edgetpu: graph {} '{}' is {} but {} {} of '{}' is {} (neither that shape nor its NHWC layout)",
                                                  kind, names[i], to_string(g), kind, i, file, to_string(m.shape)));
      }
      check_convertible(m, fmt::format("{} {} of '{}'", kind, i, file));
      if (m.bytes != static_cast<std::size_t>(numel(g)) * tflite_type_size(m.type))
        throw std::invalid_argument(fmt::format("edgetpu: {} {} of '{}' has {} bytes for {}", kind, i, file, m.bytes, m.describe()));
      out.push_back(std::move(b));
    }
    return out;
  };
  inputs_ = bind(graph.inputs, runner_->inputs(), "input");
  outputs_ = bind(graph.outputs, runner_->outputs(), "output");

  info_["edgetpu.mode"] = "Edge TPU device through libedgetpu and the TFLite C API (" + runner_->device().describe() + ")";
  info_["edgetpu.model"] = file;
  info_["edgetpu.device"] = runner_->device().describe();
  info_["edgetpu.libtflite"] = runner_->options().tflite_library;
  info_["edgetpu.libedgetpu"] = runner_->options().edgetpu_library;
  for (std::size_t i = 0; i < runner_->inputs().size(); ++i)
    info_[fmt::format("edgetpu.model.input{}", i)] = runner_->inputs()[i].describe() + (inputs_[i].nhwc ? " NHWC" : "");
  for (std::size_t i = 0; i < runner_->outputs().size(); ++i)
    info_[fmt::format("edgetpu.model.output{}", i)] = runner_->outputs()[i].describe() + (outputs_[i].nhwc ? " NHWC" : "");
  info_["edgetpu.weights"] = "those compiled into " + file + " (the graph's weights and seed are not used)";
  info_["precision"] = "int8";
  info_["precision.reason"] = "as compiled into " + file + " (the Edge TPU runs only 8-bit integers)";
}

std::vector<Tensor> EdgeTpuDeviceExecutable::run(std::span<const Tensor> inputs) {
  if (inputs.size() != inputs_.size())
    throw std::invalid_argument(fmt::format("edgetpu: {} inputs given, the graph takes {}", inputs.size(), inputs_.size()));
  std::vector<std::vector<std::byte>> bytes;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const Binding& b = inputs_[i];
    if (inputs[i].shape() != b.graph_shape)
      throw std::invalid_argument("edgetpu: input '" + b.name + "' is " + to_string(inputs[i].shape()) + ", the graph expects " +
                                  to_string(b.graph_shape));
    const Tensor f = inputs[i].dtype() == DType::f32 ? inputs[i] : inputs[i].to(DType::f32);
    if (b.nhwc) bytes.push_back(to_model_bytes(permute(f.data<float>(), b.graph_shape, true), runner_->inputs()[i]));
    else bytes.push_back(to_model_bytes(f.data<float>(), runner_->inputs()[i]));
  }
  const auto out_bytes = runner_->run(bytes);
  std::vector<Tensor> out;
  for (std::size_t i = 0; i < out_bytes.size(); ++i) {
    const Binding& b = outputs_[i];
    std::vector<float> values = from_model_bytes(out_bytes[i], runner_->outputs()[i]);
    if (b.nhwc) values = permute(values, b.graph_shape, false);
    out.push_back(Tensor::from_f32(b.graph_shape, values));
  }
  ran_ = true;
  return out;
}

std::optional<DeviceTime> EdgeTpuDeviceExecutable::last_device_time() const {
  if (!ran_) return std::nullopt;
  return DeviceTime{.ns = runner_->last_invoke_ns(), .provenance = DeviceRunner::invoke_provenance()};
}

std::map<std::string, std::string> EdgeTpuDeviceExecutable::info() const {
  auto m = info_;
  if (ran_) m["edgetpu.invocations"] = std::to_string(runner_->invocations());
  return m;
}

}  // namespace eb::edgetpu
