// The "gpu" backend: the operator set on an NVIDIA GPU (see backends/gpu/README.md).
//
//   conv2d                 cuDNN (legacy convolution API), bias+ReLU fused by cuDNN, other
//                          activations as one epilogue kernel
//   linear                 cuBLASLt with the bias / bias+ReLU epilogue
//   matmul, attention      cuBLAS strided-batched GEMMs (+ our softmax for attention)
//   moe                    our gate/top-k, routing, gather and combine kernels; cuBLAS
//                          GEMMs per active expert
//   everything else        CUDA kernels of our own (kernels.h)
//
// compile() uploads the weights once, plans activations into one arena, picks every
// algorithm, runs once and captures CUDA graphs (executable.h). Precisions fp32 (TF32 off
// unless gpu.tf32=1), fp16 and bf16; all options in options.h. Timing: CUDA events
// (device time and the h2d / compute / d2h breakdown, see executable.h). Power: the
// harness's NVML source (bench/power/nvml_source.h). Box decoding for SSD post-processing on the device:
// box_decode.h.
//
// probe() answers "no CUDA device: <CUDA's reason>" when there is no GPU or no driver;
// nothing here needs the driver to load.
#pragma once

#include <memory>

#include "core/backend.h"

namespace eb {

std::unique_ptr<Backend> make_gpu_backend();

}  // namespace eb
