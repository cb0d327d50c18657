#include "backends/edgetpu/device_runner.h"

#include <fmt/format.h>

#include <chrono>
#include <charconv>
#include <filesystem>
#include <stdexcept>

namespace eb::edgetpu {
namespace {

std::string device_list(const std::vector<EdgeTpuDevice>& devices) {
  std::string s;
  for (const auto& d : devices) s += (s.empty() ? "" : ", ") + d.describe();
  return s;
}

// TfLiteStatus values Invoke returns (c_api_types.h), named for the error line.
std::string status_name(TfLiteStatus s) {
  switch (s) {
    case 1: return "kTfLiteError";
    case 2: return "kTfLiteDelegateError: the Edge TPU delegate failed";
    case 3: return "kTfLiteApplicationError: the delegate and the model or interpreter do not fit";
    default: return "status " + std::to_string(s);
  }
}

}  // namespace

DeviceRunnerOptions DeviceRunnerOptions::from(const ResolvedOptions& options, int threads) {
  DeviceRunnerOptions o;
  if (!options.has("edgetpu.model") || options.get_text("edgetpu.model").empty())
    throw std::invalid_argument("edgetpu: the device runner needs edgetpu.model=FILE (an Edge-TPU-compiled .tflite)");
  o.model = options.get_text("edgetpu.model");
  if (options.has("edgetpu.device")) o.device_index = static_cast<std::size_t>(options.get_int("edgetpu.device"));
  if (options.has("edgetpu.libtflite")) o.tflite_library = options.get_text("edgetpu.libtflite");
  if (options.has("edgetpu.libedgetpu")) o.edgetpu_library = options.get_text("edgetpu.libedgetpu");
  o.threads = threads;
  return o;
}

std::string ModelTensor::describe() const {
  std::string s = to_string(shape) + " " + tflite_type_name(type);
  if (quant.scale != 0.0f) s += fmt::format(" (scale {:g}, zero point {})", quant.scale, quant.zero_point);
  return s;
}

DeviceRunner::DeviceRunner(DeviceRunnerOptions options) : options_(std::move(options)) {
  // Libraries first: their absence is the most common problem and says the most.
  tflite_ = std::make_shared<const TfLiteCApi>(options_.tflite_library);
  edgetpu_ = std::make_shared<const EdgeTpuCApi>(options_.edgetpu_library);

  const auto devices = list_edgetpu_devices(*edgetpu_);
  if (devices.empty()) throw std::runtime_error("edgetpu: libedgetpu (" + options_.edgetpu_library + ") lists no Edge TPU device");
  if (options_.device_index >= devices.size())
    throw std::runtime_error(fmt::format("edgetpu: device {} requested but libedgetpu lists {} ({})", options_.device_index,
                                         devices.size(), device_list(devices)));
  device_ = devices[options_.device_index];

  std::error_code ec;
  if (!std::filesystem::is_regular_file(options_.model, ec))
    throw std::runtime_error("edgetpu: model file '" + options_.model + "' does not exist or is not a file");
  const TfLiteCApi& t = *tflite_;
  model_ = ModelHandle(tflite_, t.model_create_from_file(options_.model.c_str()), t.model_delete);
  if (!model_) throw std::runtime_error("edgetpu: TFLite could not read '" + options_.model + "' as a .tflite model");

  // The delegate names the device by its type and path, as edgetpu_list_devices gave them.
  delegate_ = DelegateHandle(edgetpu_, edgetpu_->create_delegate(device_.type, device_.path.c_str(), nullptr, 0),
                             edgetpu_->free_delegate);
  if (!delegate_) throw std::runtime_error("edgetpu: edgetpu_create_delegate failed for " + device_.describe());

  interpreter_options_ = OptionsHandle(tflite_, t.options_create(), t.options_delete);
  if (!interpreter_options_) throw std::runtime_error("edgetpu: TfLiteInterpreterOptionsCreate failed");
  if (options_.threads > 0) t.options_set_num_threads(interpreter_options_.get(), options_.threads);
  t.options_add_delegate(interpreter_options_.get(), delegate_.get());

  interpreter_ = InterpreterHandle(tflite_, t.interpreter_create(model_.get(), interpreter_options_.get()), t.interpreter_delete);
  if (!interpreter_)
    throw std::runtime_error("edgetpu: TfLiteInterpreterCreate failed for '" + options_.model +
                             "' (an op this TFLite build lacks, or the Edge TPU delegate refused the model)");
  if (t.allocate_tensors(interpreter_.get()) != kTfLiteOk)
    throw std::runtime_error("edgetpu: TfLiteInterpreterAllocateTensors failed for '" + options_.model + "'");

  const auto describe = [&](const TfLiteTensor* tensor) {
    ModelTensor m;
    m.type = t.tensor_type(tensor);
    const std::int32_t rank = t.tensor_num_dims(tensor);
    for (std::int32_t d = 0; d < rank; ++d) m.shape.push_back(t.tensor_dim(tensor, d));
    m.bytes = t.tensor_byte_size(tensor);
    m.quant = t.tensor_quantization_params(tensor);
    return m;
  };
  const std::int32_t n_in = t.input_tensor_count(interpreter_.get());
  for (std::int32_t i = 0; i < n_in; ++i) inputs_.push_back(describe(t.input_tensor(interpreter_.get(), i)));
  const std::int32_t n_out = t.output_tensor_count(interpreter_.get());
  for (std::int32_t i = 0; i < n_out; ++i) outputs_.push_back(describe(t.output_tensor(interpreter_.get(), i)));
}

DeviceRunner::~DeviceRunner() = default;

std::vector<std::vector<std::byte>> DeviceRunner::run(std::span<const std::vector<std::byte>> inputs) {
  const TfLiteCApi& t = *tflite_;
  if (inputs.size() != inputs_.size())
    throw std::invalid_argument(fmt::format("edgetpu: {} inputs given, '{}' takes {}", inputs.size(), options_.model, inputs_.size()));
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].size() != inputs_[i].bytes)
      throw std::invalid_argument(fmt::format("edgetpu: input {} has {} bytes, the model's input {} is {} ({} bytes)", i,
                                              inputs[i].size(), i, inputs_[i].describe(), inputs_[i].bytes));
    TfLiteTensor* tensor = t.input_tensor(interpreter_.get(), static_cast<std::int32_t>(i));
    if (t.tensor_copy_from_buffer(tensor, inputs[i].data(), inputs[i].size()) != kTfLiteOk)
      throw std::runtime_error(fmt::format("edgetpu: TfLiteTensorCopyFromBuffer failed for input {}", i));
  }

  const auto start = std::chrono::steady_clock::now();
  const TfLiteStatus status = t.invoke(interpreter_.get());
  const auto stop = std::chrono::steady_clock::now();
  if (status != kTfLiteOk) throw std::runtime_error("edgetpu: TfLiteInterpreterInvoke failed (" + status_name(status) + ")");
  last_invoke_ns_ = std::chrono::duration<double, std::nano>(stop - start).count();
  ++invocations_;

  std::vector<std::vector<std::byte>> out;
  for (std::size_t i = 0; i < outputs_.size(); ++i) {
    const TfLiteTensor* tensor = t.output_tensor(interpreter_.get(), static_cast<std::int32_t>(i));
    std::vector<std::byte> bytes(outputs_[i].bytes);
    if (t.tensor_copy_to_buffer(tensor, bytes.data(), bytes.size()) != kTfLiteOk)
      throw std::runtime_error(fmt::format("edgetpu: TfLiteTensorCopyToBuffer failed for output {}", i));
    out.push_back(std::move(bytes));
  }
  return out;
}

Provenance DeviceRunner::invoke_provenance() {
  return Provenance::measured(
      "steady_clock: TfLiteInterpreterInvoke with the Edge TPU delegate (device compute, host-device transfers, and any ops "
      "left on the host CPU)");
}

}  // namespace eb::edgetpu
