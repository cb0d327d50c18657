#include "backends/gpu/options.h"

#include <charconv>
#include <stdexcept>
#include <string>

namespace eb::gpu {
namespace {

const std::string* find(const CompileOptions& o, const std::string& key) {
  auto it = o.extra.find(key);
  return it == o.extra.end() ? nullptr : &it->second;
}

bool parse_flag(const std::string& key, const std::string& value) {
  if (value == "1" || value == "true" || value == "on") return true;
  if (value == "0" || value == "false" || value == "off") return false;
  throw std::invalid_argument("gpu: option " + key + "='" + value + "' must be 0 or 1");
}

}  // namespace

bool precision_supported(Precision p) { return p == Precision::fp32 || p == Precision::fp16 || p == Precision::bf16; }

GpuOptions GpuOptions::from(const CompileOptions& options) {
  GpuOptions o;
  if (!precision_supported(options.precision))
    throw std::invalid_argument("gpu: precision " + std::string(precision_name(options.precision)) +
                                " is not supported (fp32, fp16, bf16)");
  o.precision = options.precision;
  if (const auto* v = find(options, "gpu.device")) {
    const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), o.device);
    if (ec != std::errc() || end != v->data() + v->size() || o.device < 0)
      throw std::invalid_argument("gpu: option gpu.device='" + *v + "' must be a CUDA device ordinal");
  }
  if (const auto* v = find(options, "gpu.tf32")) o.tf32 = parse_flag("gpu.tf32", *v);
  if (const auto* v = find(options, "gpu.cuda_graph")) o.cuda_graph = parse_flag("gpu.cuda_graph", *v);
  if (const auto* v = find(options, "gpu.conv_algo")) {
    if (*v == "find") o.conv_algo = ConvAlgoSearch::find;
    else if (*v == "heuristic") o.conv_algo = ConvAlgoSearch::heuristic;
    else throw std::invalid_argument("gpu: option gpu.conv_algo='" + *v + "' must be find or heuristic");
  }
  return o;
}

DType storage_dtype(Precision p) {
  switch (p) {
    case Precision::fp32: return DType::f32;
    case Precision::fp16: return DType::f16;
    case Precision::bf16: return DType::bf16;
    default: break;
  }
  throw std::invalid_argument("gpu: no storage type for precision " + std::string(precision_name(p)));
}

cudaDataType_t cuda_data_type(DType t) {
  switch (t) {
    case DType::f32: return CUDA_R_32F;
    case DType::f16: return CUDA_R_16F;
    case DType::bf16: return CUDA_R_16BF;
    default: break;
  }
  throw std::invalid_argument("gpu: no CUDA data type for " + std::string(dtype_name(t)));
}

cudnnDataType_t cudnn_data_type(DType t) {
  switch (t) {
    case DType::f32: return CUDNN_DATA_FLOAT;
    case DType::f16: return CUDNN_DATA_HALF;
    case DType::bf16: return CUDNN_DATA_BFLOAT16;
    default: break;
  }
  throw std::invalid_argument("gpu: no cuDNN data type for " + std::string(dtype_name(t)));
}

cublasComputeType_t blas_compute_type(const GpuOptions& o) {
  // fp16/bf16 inputs accumulate in fp32 (CUBLAS_COMPUTE_32F with 16-bit A/B/C); fp32
  // inputs are rounded to TF32 only when the user asked for it.
  return o.precision == Precision::fp32 && o.tf32 ? CUBLAS_COMPUTE_32F_FAST_TF32 : CUBLAS_COMPUTE_32F;
}

}  // namespace eb::gpu
