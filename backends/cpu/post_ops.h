// Activations and fused chains as oneDNN post-ops.
//
// Each activation of core/ops.h maps to oneDNN eltwise algorithms with the same formula:
//   relu -> eltwise_relu(alpha 0)          relu6 -> eltwise_clip(0, 6)
//   hardswish -> eltwise_hardswish          (x·relu6(x+3)/6 in oneDNN 2.6)
//   hardsigmoid -> eltwise_linear(1/6, 1/2) then eltwise_clip(0, 1)
//                  (relu6(x+3)/6 == clip(x/6 + 1/2, 0, 1); oneDNN 2.6 has no hardsigmoid)
//   sigmoid -> eltwise_logistic             gelu -> eltwise_gelu_erf (the exact erf form)
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "backends/cpu/builder.h"
#include "backends/cpu/fusion.h"
#include "core/ops.h"

namespace eb::cpu {

struct EltwiseStage {
  dnnl::algorithm alg;
  float alpha = 0.f;
  float beta = 0.f;
};

// The eltwise stages computing activation `a` (empty for Activation::none).
std::vector<EltwiseStage> eltwise_stages(Activation a);

void append_activation(dnnl::post_ops& ops, Activation a);

// A primitive's post-ops and the tensors its binary entries read.
struct FusedPostOps {
  dnnl::post_ops ops;
  // DNNL_ARG_ATTR_MULTIPLE_POST_OP(i) | DNNL_ARG_SRC_1 -> operand tensor
  std::vector<std::pair<int, std::string>> operands;
  // With a `sum` entry: the tensor it adds (the destination must hold it beforehand) and
  // the node of the chain it replaces.
  std::string sum_operand;
  std::string sum_node;
};

// The post-ops for a primitive's own activation followed by `chain`; binary operands are
// declared with layout `operand_md` (the primitive's destination layout). Without
// `binary`, binary entries are left out (to let oneDNN choose the destination first).
//
// With `use_sum`, the chain's first add becomes oneDNN's `sum` post-op (dst += operand,
// accumulating into the destination buffer) instead of a binary add. Why: a binary
// operand that is not broadcast takes oneDNN 2.6's brgemm convolutions off the table
// (they fall back to gemm-based convolution in plain nchw, with reorders around it); sum
// keeps them, and the residual needs no second read stream.
FusedPostOps build_post_ops(Activation own, const PostOpChain& chain, const md_t& operand_md, bool binary = true,
                            bool use_sum = false);

// The operands of `post`, each laid out as `md` (converted by the builder if needed).
Args bind_operands(Builder& b, const FusedPostOps& post, const md_t& md);

// The step name of a base node with its absorbed chain ("conv3+add7+relu8").
std::string fused_name(const std::string& base, const PostOpChain& chain);

}  // namespace eb::cpu
