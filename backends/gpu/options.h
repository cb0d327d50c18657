// The gpu backend's settings: the precision from CompileOptions, the rest declared here
// (gpu_options(), with GpuOptions' defaults) and read from the framework's parse of them
// (Backend::resolved_options; the harness records the same values):
//
//   precision             fp32 (default), fp16 or bf16: the storage type of activations
//                         and weights; every kernel, cuBLAS and cuDNN call accumulates in
//                         fp32. The MoE gate, layer-norm parameters and biases that our own
//                         kernels read stay fp32.
//   gpu.device            CUDA device ordinal (default 0).
//   gpu.tf32              "1": fp32 matrix products and convolutions may use TF32 tensor
//                         cores; "0" (default): they may not.
//   gpu.cuda_graph        "0": every run launches each kernel; otherwise (default) the run
//                         replays CUDA graphs captured at compile time (one per stretch of
//                         nodes between host synchronisations; see executable.h).
//   gpu.conv_algo         "find" (default): every cuDNN forward algorithm is timed once at
//                         compile time and the fastest kept; "heuristic": cuDNN's heuristic
//                         pick, nothing timed (faster compiles).
#pragma once

#include <cublas_api.h>
#include <cudnn.h>
#include <library_types.h>

#include "core/backend.h"

namespace eb::gpu {

enum class ConvAlgoSearch : std::uint8_t { find, heuristic };

struct GpuOptions {
  int device = 0;
  Precision precision = Precision::fp32;
  bool tf32 = false;
  bool cuda_graph = true;
  ConvAlgoSearch conv_algo = ConvAlgoSearch::find;

  // Throws std::invalid_argument for an unsupported precision.
  static GpuOptions from(Precision precision, const ResolvedOptions& options);
};

// The gpu.* declarations (GpuBackend::options()).
std::vector<OptionSpec> gpu_options();

// True for the precisions this backend compiles (fp32, fp16, bf16).
bool precision_supported(Precision p);

// Storage type of activations and weights for a precision (f32, f16 or bf16).
DType storage_dtype(Precision p);
cudaDataType_t cuda_data_type(DType t);
cudnnDataType_t cudnn_data_type(DType t);
// The cuBLAS compute type: fp32 accumulation, TF32 inputs only when allowed.
cublasComputeType_t blas_compute_type(const GpuOptions& o);

}  // namespace eb::gpu
