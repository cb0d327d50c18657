// Which nodes the gpu backend runs (host-only logic: it needs no device, so `edgebench`
// can plan partitions and the tests can check coverage anywhere).
//
// Every operator of core/ops.h is supported, within these limits (a node outside them
// falls back to the reference, or fails with --no-fallback, with the reason below):
//   - precision fp32, fp16 or bf16; tensors of the graph f32 (weights of any float type);
//   - conv2d: batch norm already folded (core/fold_batch_norm.h); dimensions within int;
//   - linear / conv2d / layernorm / moe: parameters (weights, biases, gamma, beta, gate,
//     expert tensors) are graph weights, not activations;
//   - matmul: each operand's batch dimensions are either all 1 or exactly the output's
//     (one stride per operand for a strided-batched GEMM); GEMM sizes within int;
//   - add, mul, transpose: rank ≤ 6;
//   - moe: ≤ 64 experts, top_k ≤ 8.
#pragma once

#include <string>

#include "core/backend.h"

namespace eb::gpu {

// Empty when the backend runs `node`; otherwise why not (one line).
std::string unsupported_reason(const Graph& graph, const Node& node, const CompileOptions& options);

}  // namespace eb::gpu
