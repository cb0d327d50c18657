// Built when libonnx-dev or protobuf was not found: the exporter says what to install.
#include <stdexcept>

#include "export/onnx/onnx_export.h"

namespace eb::onnx_export {

bool onnx_export_available() { return false; }

std::string onnx_export_unavailable_reason() {
  return "edgebench was built without ONNX export (install libonnx-dev libprotobuf-dev protobuf-compiler and rebuild)";
}

OnnxModel export_onnx(const Graph&, const Weights&, const std::string&) { throw std::runtime_error(onnx_export_unavailable_reason()); }

}  // namespace eb::onnx_export
