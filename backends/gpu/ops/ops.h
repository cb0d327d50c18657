// Lowering of graph nodes to steps. Each builder turns one node into the steps that
// compute it, with every device address bound and every library descriptor and
// algorithm chosen here, at compile time. The executable (executable.cpp) has already
// placed the node's output and inputs; builders only read them through BuildEnv.
//
//   conv.cpp       conv2d: cuDNN (fused bias+ReLU where cuDNN offers it), explicit
//                  padding for TF-style asymmetric "SAME"
//   gemm.cpp       linear: cuBLASLt with the bias (and ReLU) epilogue; matmul: cuBLAS
//                  strided-batched GEMM
//   attention.cpp  attention: head split, two strided-batched GEMMs, softmax, head merge
//   moe.cpp        moe: gate, routing, per-expert cuBLAS GEMMs, combine
//   simple.cpp     everything else (element-wise, norms, data movement)
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>

#include "backends/gpu/context.h"
#include "backends/gpu/step.h"
#include "backends/gpu/weight_store.h"
#include "core/graph.h"

namespace eb::gpu {

// A cuDNN forward algorithm chosen for one convolution geometry (cached per compile, so
// repeated layers are timed once).
struct ConvAlgo {
  cudnnConvolutionFwdAlgo_t algo = CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM;
  std::size_t workspace = 0;
  cudnnMathType_t math = CUDNN_FMA_MATH;
  bool searched = true;  // false: no candidate qualified and the safe default was taken
};

struct BuildEnv {
  GpuContext& ctx;
  const Graph& graph;
  WeightStore& weights;
  Workspace& scratch;  // shared scratch: reserve() while building, data() while running
  Zeros& zeros;        // shared read-only zeros: likewise
  // Device address of any tensor the node reads or writes (activation, graph input, or a
  // weight in the storage type).
  std::function<void*(const std::string&)> address;
  // Convolution algorithms chosen so far in this compile, by geometry key.
  std::map<std::string, ConvAlgo>& conv_algos;

  const Shape& shape(const std::string& tensor) const { return graph.info(tensor).shape; }
  DType dtype() const { return ctx.dtype(); }
  cudaStream_t stream() const { return ctx.stream(); }
  // A weight the node's own kernels read in fp32.
  const float* weight_f32(const std::string& name) const {
    return static_cast<const float*>(weights.get(name, DType::f32));
  }
};

Steps build_conv(const Node& node, BuildEnv& env);
Steps build_linear(const Node& node, BuildEnv& env);
Steps build_matmul(const Node& node, BuildEnv& env);
Steps build_attention(const Node& node, BuildEnv& env);
Steps build_moe(const Node& node, BuildEnv& env);
Steps build_simple(const Node& node, BuildEnv& env);

// Dispatches on node.op. reshape yields no step (its output aliases its input).
Steps build_node(const Node& node, BuildEnv& env);

}  // namespace eb::gpu
