#include "backends/edgetpu/tflite_c_api.h"

#include <dlfcn.h>

#include <stdexcept>

namespace eb::edgetpu {

SharedLibrary::SharedLibrary(std::string path) : path_(std::move(path)) {
  // RTLD_NOW: a library with unresolvable dependencies fails here, in one place, rather
  // than at the first call. RTLD_LOCAL: its symbols do not leak into later dlopens.
  handle_ = dlopen(path_.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle_) {
    const char* e = dlerror();
    throw std::runtime_error("edgetpu: cannot load " + path_ + ": " + (e ? e : "dlopen failed"));
  }
}

SharedLibrary::~SharedLibrary() {
  if (handle_) dlclose(handle_);
}

void* SharedLibrary::symbol(const char* name) const {
  // A symbol that resolves to null is as useless as a missing one: both are errors.
  void* p = dlsym(handle_, name);
  if (!p) throw std::runtime_error("edgetpu: " + path_ + " has no symbol " + name);
  return p;
}

#define EB_TFLITE_RESOLVE(member, symbol_name) member(library.function<c_fn::symbol_name>(#symbol_name))

TfLiteCApi::TfLiteCApi(const std::string& path)
    : library(path),
      EB_TFLITE_RESOLVE(model_create_from_file, TfLiteModelCreateFromFile),
      EB_TFLITE_RESOLVE(model_delete, TfLiteModelDelete),
      EB_TFLITE_RESOLVE(options_create, TfLiteInterpreterOptionsCreate),
      EB_TFLITE_RESOLVE(options_delete, TfLiteInterpreterOptionsDelete),
      EB_TFLITE_RESOLVE(options_set_num_threads, TfLiteInterpreterOptionsSetNumThreads),
      EB_TFLITE_RESOLVE(options_add_delegate, TfLiteInterpreterOptionsAddDelegate),
      EB_TFLITE_RESOLVE(interpreter_create, TfLiteInterpreterCreate),
      EB_TFLITE_RESOLVE(interpreter_delete, TfLiteInterpreterDelete),
      EB_TFLITE_RESOLVE(allocate_tensors, TfLiteInterpreterAllocateTensors),
      EB_TFLITE_RESOLVE(input_tensor_count, TfLiteInterpreterGetInputTensorCount),
      EB_TFLITE_RESOLVE(input_tensor, TfLiteInterpreterGetInputTensor),
      EB_TFLITE_RESOLVE(output_tensor_count, TfLiteInterpreterGetOutputTensorCount),
      EB_TFLITE_RESOLVE(output_tensor, TfLiteInterpreterGetOutputTensor),
      EB_TFLITE_RESOLVE(invoke, TfLiteInterpreterInvoke),
      EB_TFLITE_RESOLVE(tensor_type, TfLiteTensorType),
      EB_TFLITE_RESOLVE(tensor_byte_size, TfLiteTensorByteSize),
      EB_TFLITE_RESOLVE(tensor_copy_from_buffer, TfLiteTensorCopyFromBuffer),
      EB_TFLITE_RESOLVE(tensor_copy_to_buffer, TfLiteTensorCopyToBuffer),
      EB_TFLITE_RESOLVE(tensor_num_dims, TfLiteTensorNumDims),
      EB_TFLITE_RESOLVE(tensor_dim, TfLiteTensorDim),
      EB_TFLITE_RESOLVE(tensor_quantization_params, TfLiteTensorQuantizationParams) {}

EdgeTpuCApi::EdgeTpuCApi(const std::string& path)
    : library(path),
      EB_TFLITE_RESOLVE(list_devices, edgetpu_list_devices),
      EB_TFLITE_RESOLVE(free_devices, edgetpu_free_devices),
      EB_TFLITE_RESOLVE(create_delegate, edgetpu_create_delegate),
      EB_TFLITE_RESOLVE(free_delegate, edgetpu_free_delegate) {}

#undef EB_TFLITE_RESOLVE

std::string EdgeTpuDevice::describe() const { return (type == EDGETPU_APEX_PCI ? "pci " : "usb ") + path; }

std::vector<EdgeTpuDevice> list_edgetpu_devices(const EdgeTpuCApi& api) {
  std::size_t n = 0;
  edgetpu_device* list = api.list_devices(&n);
  std::vector<EdgeTpuDevice> out;
  for (std::size_t i = 0; list && i < n; ++i) out.push_back({list[i].type, list[i].path ? list[i].path : ""});
  if (list) api.free_devices(list);
  return out;
}

std::string tflite_type_name(TfLiteType t) {
  switch (t) {
    case kTfLiteFloat32: return "float32";
    case kTfLiteInt32: return "int32";
    case kTfLiteUInt8: return "uint8";
    case kTfLiteInt64: return "int64";
    case kTfLiteInt16: return "int16";
    case kTfLiteInt8: return "int8";
    case kTfLiteNoType: return "notype";
  }
  return "type " + std::to_string(static_cast<int>(t));
}

std::size_t tflite_type_size(TfLiteType t) {
  switch (t) {
    case kTfLiteFloat32: return 4;
    case kTfLiteUInt8:
    case kTfLiteInt8: return 1;
    default: return 0;
  }
}

}  // namespace eb::edgetpu
