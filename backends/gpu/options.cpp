#include "backends/gpu/options.h"

#include <stdexcept>
#include <string>

namespace eb::gpu {

bool precision_supported(Precision p) { return p == Precision::fp32 || p == Precision::fp16 || p == Precision::bf16; }

GpuOptions GpuOptions::from(Precision precision, const ResolvedOptions& options) {
  GpuOptions o;
  if (!precision_supported(precision))
    throw std::invalid_argument("gpu: precision " + std::string(precision_name(precision)) + " is not supported (fp32, fp16, bf16)");
  o.precision = precision;
  o.device = static_cast<int>(options.get_int("gpu.device"));
  o.tf32 = options.get_bool("gpu.tf32");
  o.cuda_graph = options.get_bool("gpu.cuda_graph");
  o.conv_algo = options.get_choice("gpu.conv_algo") == "heuristic" ? ConvAlgoSearch::heuristic : ConvAlgoSearch::find;
  return o;
}

std::vector<OptionSpec> gpu_options() {
  const GpuOptions d;
  return {{.key = "gpu.device", .type = OptionType::integer, .default_value = std::to_string(d.device), .help = "CUDA device ordinal",
           .min = 0},
          {.key = "gpu.tf32", .type = OptionType::flag, .default_value = d.tf32 ? "1" : "0",
           .help = "fp32 matrix products and convolutions may use TF32 tensor cores"},
          {.key = "gpu.cuda_graph", .type = OptionType::flag, .default_value = d.cuda_graph ? "1" : "0",
           .help = "replay CUDA graphs captured at compile time (0: launch every kernel each run)"},
          {.key = "gpu.conv_algo", .type = OptionType::choice, .default_value = d.conv_algo == ConvAlgoSearch::find ? "find" : "heuristic",
           .help = "cuDNN forward algorithm: every one timed once at compile time (find) or cuDNN's pick (heuristic)",
           .choices = {"find", "heuristic"}}};
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
