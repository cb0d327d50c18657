// The parts of the TensorFlow Lite C API (tensorflow/lite/c/c_api.h) and of libedgetpu's C
// delegate API (edgetpu_c.h) that the Edge TPU runner uses, opened at run time with dlopen
// so that edgebench has no build dependency on either. The opaque types, enums and function
// signatures below are declared here from the published headers; only the values we use are
// named. A library that cannot be opened, or lacks one of the symbols, is a one-line
// std::runtime_error naming the library and the symbol.
//
// Lifetimes: each handle (Model, InterpreterOptions, Interpreter, Delegate) keeps a
// shared_ptr to its library, so the code it calls to free itself stays loaded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace eb::edgetpu {

// ---- declarations from the published C headers --------------------------------------
extern "C" {
struct TfLiteModel;
struct TfLiteInterpreterOptions;
struct TfLiteInterpreter;
struct TfLiteTensor;
struct TfLiteDelegate;  // TfLiteOpaqueDelegate in newer headers; the same pointer

// TfLiteStatus: 0 is kTfLiteOk, anything else an error.
using TfLiteStatus = int;
inline constexpr TfLiteStatus kTfLiteOk = 0;

// TfLiteType (c_api_types.h): the element types an Edge TPU model's inputs and outputs use.
enum TfLiteType : int {
  kTfLiteNoType = 0,
  kTfLiteFloat32 = 1,
  kTfLiteInt32 = 2,
  kTfLiteUInt8 = 3,
  kTfLiteInt64 = 4,
  kTfLiteInt16 = 7,
  kTfLiteInt8 = 9,
};

// Per-tensor affine quantisation: real = scale * (q - zero_point).
struct TfLiteQuantizationParams {
  float scale;
  std::int32_t zero_point;
};

enum edgetpu_device_type : int { EDGETPU_APEX_PCI = 0, EDGETPU_APEX_USB = 1 };

struct edgetpu_device {
  edgetpu_device_type type;
  const char* path;
};

struct edgetpu_option {
  const char* name;
  const char* value;
};
}  // extern "C"

// Function-pointer types, one per symbol, named after it.
namespace c_fn {
using TfLiteModelCreateFromFile = TfLiteModel* (*)(const char*);
using TfLiteModelDelete = void (*)(TfLiteModel*);
using TfLiteInterpreterOptionsCreate = TfLiteInterpreterOptions* (*)();
using TfLiteInterpreterOptionsDelete = void (*)(TfLiteInterpreterOptions*);
using TfLiteInterpreterOptionsSetNumThreads = void (*)(TfLiteInterpreterOptions*, std::int32_t);
using TfLiteInterpreterOptionsAddDelegate = void (*)(TfLiteInterpreterOptions*, TfLiteDelegate*);
using TfLiteInterpreterCreate = TfLiteInterpreter* (*)(const TfLiteModel*, const TfLiteInterpreterOptions*);
using TfLiteInterpreterDelete = void (*)(TfLiteInterpreter*);
using TfLiteInterpreterAllocateTensors = TfLiteStatus (*)(TfLiteInterpreter*);
using TfLiteInterpreterGetInputTensorCount = std::int32_t (*)(const TfLiteInterpreter*);
using TfLiteInterpreterGetInputTensor = TfLiteTensor* (*)(const TfLiteInterpreter*, std::int32_t);
using TfLiteInterpreterGetOutputTensorCount = std::int32_t (*)(const TfLiteInterpreter*);
using TfLiteInterpreterGetOutputTensor = const TfLiteTensor* (*)(const TfLiteInterpreter*, std::int32_t);
using TfLiteInterpreterInvoke = TfLiteStatus (*)(TfLiteInterpreter*);
using TfLiteTensorType = TfLiteType (*)(const TfLiteTensor*);
using TfLiteTensorByteSize = std::size_t (*)(const TfLiteTensor*);
using TfLiteTensorCopyFromBuffer = TfLiteStatus (*)(TfLiteTensor*, const void*, std::size_t);
using TfLiteTensorCopyToBuffer = TfLiteStatus (*)(const TfLiteTensor*, void*, std::size_t);
using TfLiteTensorNumDims = std::int32_t (*)(const TfLiteTensor*);
using TfLiteTensorDim = std::int32_t (*)(const TfLiteTensor*, std::int32_t);
using TfLiteTensorQuantizationParams = TfLiteQuantizationParams (*)(const TfLiteTensor*);

using edgetpu_list_devices = edgetpu_device* (*)(std::size_t*);
using edgetpu_free_devices = void (*)(edgetpu_device*);
using edgetpu_create_delegate = TfLiteDelegate* (*)(edgetpu_device_type, const char*, const edgetpu_option*, std::size_t);
using edgetpu_free_delegate = void (*)(TfLiteDelegate*);
}  // namespace c_fn

// ---- loading ------------------------------------------------------------------------

// A dlopen()ed library, closed on destruction.
class SharedLibrary {
 public:
  // Throws std::runtime_error "edgetpu: cannot load <path>: <dlerror>".
  explicit SharedLibrary(std::string path);
  ~SharedLibrary();
  SharedLibrary(const SharedLibrary&) = delete;
  SharedLibrary& operator=(const SharedLibrary&) = delete;

  const std::string& path() const { return path_; }
  // Throws std::runtime_error "edgetpu: <path> has no symbol <name>".
  void* symbol(const char* name) const;
  template <class Fn>
  Fn function(const char* name) const {
    return reinterpret_cast<Fn>(symbol(name));
  }

 private:
  std::string path_;
  void* handle_ = nullptr;
};

// Every TFLite C function the runner calls, resolved at construction (all or nothing).
struct TfLiteCApi {
  explicit TfLiteCApi(const std::string& path);

  SharedLibrary library;
  c_fn::TfLiteModelCreateFromFile model_create_from_file;
  c_fn::TfLiteModelDelete model_delete;
  c_fn::TfLiteInterpreterOptionsCreate options_create;
  c_fn::TfLiteInterpreterOptionsDelete options_delete;
  c_fn::TfLiteInterpreterOptionsSetNumThreads options_set_num_threads;
  c_fn::TfLiteInterpreterOptionsAddDelegate options_add_delegate;
  c_fn::TfLiteInterpreterCreate interpreter_create;
  c_fn::TfLiteInterpreterDelete interpreter_delete;
  c_fn::TfLiteInterpreterAllocateTensors allocate_tensors;
  c_fn::TfLiteInterpreterGetInputTensorCount input_tensor_count;
  c_fn::TfLiteInterpreterGetInputTensor input_tensor;
  c_fn::TfLiteInterpreterGetOutputTensorCount output_tensor_count;
  c_fn::TfLiteInterpreterGetOutputTensor output_tensor;
  c_fn::TfLiteInterpreterInvoke invoke;
  c_fn::TfLiteTensorType tensor_type;
  c_fn::TfLiteTensorByteSize tensor_byte_size;
  c_fn::TfLiteTensorCopyFromBuffer tensor_copy_from_buffer;
  c_fn::TfLiteTensorCopyToBuffer tensor_copy_to_buffer;
  c_fn::TfLiteTensorNumDims tensor_num_dims;
  c_fn::TfLiteTensorDim tensor_dim;
  c_fn::TfLiteTensorQuantizationParams tensor_quantization_params;
};

// libedgetpu's C delegate API, resolved at construction (all or nothing).
struct EdgeTpuCApi {
  explicit EdgeTpuCApi(const std::string& path);

  SharedLibrary library;
  c_fn::edgetpu_list_devices list_devices;
  c_fn::edgetpu_free_devices free_devices;
  c_fn::edgetpu_create_delegate create_delegate;
  c_fn::edgetpu_free_delegate free_delegate;
};

// ---- owning handles -----------------------------------------------------------------

// A handle freed by a function of the library that made it; keeps that library loaded.
template <class T, class Api>
class CHandle {
 public:
  using Deleter = void (*)(T*);
  CHandle() = default;
  CHandle(std::shared_ptr<const Api> api, T* p, Deleter d) : api_(std::move(api)), p_(p, d) {}
  T* get() const { return p_.get(); }
  explicit operator bool() const { return p_ != nullptr; }
  void reset() { p_.reset(); }

 private:
  std::shared_ptr<const Api> api_;  // declared first: outlives p_
  std::unique_ptr<T, Deleter> p_{nullptr, nullptr};
};

using ModelHandle = CHandle<TfLiteModel, TfLiteCApi>;
using OptionsHandle = CHandle<TfLiteInterpreterOptions, TfLiteCApi>;
using InterpreterHandle = CHandle<TfLiteInterpreter, TfLiteCApi>;
using DelegateHandle = CHandle<TfLiteDelegate, EdgeTpuCApi>;

// An Edge TPU as libedgetpu lists it: "usb" or "pci" and its path ("/sys/bus/usb/devices/2-1").
struct EdgeTpuDevice {
  edgetpu_device_type type = EDGETPU_APEX_USB;
  std::string path;
  std::string describe() const;  // "usb /sys/bus/usb/devices/2-1"
};

// edgetpu_list_devices(), copied out and freed.
std::vector<EdgeTpuDevice> list_edgetpu_devices(const EdgeTpuCApi& api);

// The name of a TfLiteType ("int8", "uint8", "float32", ... or "type N").
std::string tflite_type_name(TfLiteType t);
// Bytes per element of a type the runner converts, 0 for any other.
std::size_t tflite_type_size(TfLiteType t);

}  // namespace eb::edgetpu
