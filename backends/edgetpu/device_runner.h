// Runs an Edge-TPU-compiled .tflite on a real Edge TPU: the TensorFlow Lite C library and
// libedgetpu are opened at run time (tflite_c_api.h), the Edge TPU delegate is created for
// the chosen device and added to the interpreter options before the interpreter is built
// and its tensors allocated (TFLite applies delegates then), and each run copies the
// inputs in, invokes and copies the outputs out. Only TfLiteInterpreterInvoke is timed,
// with steady_clock (Provenance measured).
//
// The runner moves raw bytes in the model's own types and shapes; converting graph
// tensors (float, NCHW) to them is device_executable.h's job.
//
// Tested against fake libraries (tests/edgetpu/fakes/), which check our host-side call
// sequence and error handling; a real Coral device is needed to check it against the real
// libraries, and only a real device gives benchmark numbers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "backends/edgetpu/tflite_c_api.h"
#include "core/backend_options.h"
#include "core/provenance.h"
#include "core/tensor.h"

namespace eb::edgetpu {

struct DeviceRunnerOptions {
  std::string model;                                     // Edge-TPU-compiled .tflite file
  std::string tflite_library = "libtensorflowlite_c.so";  // path or soname
  std::string edgetpu_library = "libedgetpu.so.1";
  std::size_t device_index = 0;  // into libedgetpu's device list
  int threads = 0;               // host threads for ops left on the CPU; 0: TFLite's default

  // From backend options: edgetpu.model (required), edgetpu.device (index),
  // edgetpu.libtflite, edgetpu.libedgetpu, each of the last three this struct's default when
  // not given; `threads` from --threads. Throws std::invalid_argument for a missing model.
  static DeviceRunnerOptions from(const ResolvedOptions& options, int threads);
};

// A model input or output as the interpreter reports it after allocation.
struct ModelTensor {
  TfLiteType type = kTfLiteNoType;
  Shape shape;
  std::size_t bytes = 0;
  TfLiteQuantizationParams quant{0.0f, 0};  // scale 0: not quantised
  std::string describe() const;             // "[1, 320, 320, 3] uint8 (scale 0.0078, zero point 128)"
};

class DeviceRunner {
 public:
  // Loads both libraries, picks the device, loads the model, attaches the delegate and
  // allocates tensors. Throws std::runtime_error (one line) when any of it fails: a library
  // or symbol missing, no device, the model unreadable, the interpreter refused.
  explicit DeviceRunner(DeviceRunnerOptions options);
  ~DeviceRunner();
  DeviceRunner(const DeviceRunner&) = delete;
  DeviceRunner& operator=(const DeviceRunner&) = delete;

  const DeviceRunnerOptions& options() const { return options_; }
  const EdgeTpuDevice& device() const { return device_; }
  const std::vector<ModelTensor>& inputs() const { return inputs_; }
  const std::vector<ModelTensor>& outputs() const { return outputs_; }

  // One invocation: `inputs` in the model's input order, each exactly the input's byte
  // size; returns the outputs' bytes. Throws std::invalid_argument for a wrong count or
  // size and std::runtime_error when TFLite reports an error.
  std::vector<std::vector<std::byte>> run(std::span<const std::vector<std::byte>> inputs);

  double last_invoke_ns() const { return last_invoke_ns_; }
  std::uint64_t invocations() const { return invocations_; }
  static Provenance invoke_provenance();

 private:
  DeviceRunnerOptions options_;
  std::shared_ptr<const TfLiteCApi> tflite_;
  std::shared_ptr<const EdgeTpuCApi> edgetpu_;
  EdgeTpuDevice device_;
  // Destroyed in reverse: the interpreter before the delegate it uses, before the model.
  ModelHandle model_;
  DelegateHandle delegate_;
  OptionsHandle interpreter_options_;
  InterpreterHandle interpreter_;
  std::vector<ModelTensor> inputs_;
  std::vector<ModelTensor> outputs_;
  double last_invoke_ns_ = 0;
  std::uint64_t invocations_ = 0;
};

}  // namespace eb::edgetpu
