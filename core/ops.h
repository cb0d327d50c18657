// The closed operator set of edgebench and each operator's typed attributes.
//
// Operators are listed once in EB_OPS (X-macro, as XNNPACK does) and expanded into the
// OpKind enum and its name table; a static_assert on the count makes a half-added
// operator a compile error. Every backend and every reference kernel switches over
// OpKind, so the compiler points at each place a new operator must be handled.
//
// Layout conventions: images are NCHW; token sequences are [B, T, D]; linear weights are
// [out, in] (PyTorch layout); convolution weights are [out, in/groups, kh, kw].
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <variant>
#include <vector>

#include "core/tensor.h"

namespace eb {

// Activation fused into conv2d / linear / moe experts, and the standalone eltwise ops.
//   gelu        = x·Φ(x) with the exact erf form
//   hardswish   = x·relu6(x+3)/6
//   hardsigmoid = relu6(x+3)/6   (the MobileNetV3 / TF definition)
enum class Activation : std::uint8_t { none, relu, relu6, hardswish, hardsigmoid, sigmoid, gelu };
std::string_view activation_name(Activation a);
Activation parse_activation(std::string_view name);  // throws std::invalid_argument

struct NoAttrs {
  friend bool operator==(const NoAttrs&, const NoAttrs&) = default;
};

// inputs: x[N,C,H,W], weight[O,C/groups,kh,kw], bias[O] if has_bias,
//         then gamma, beta, mean, var [O] if has_batch_norm (folded away before compile)
struct Conv2dAttrs {
  std::array<int, 2> stride{1, 1};
  std::array<int, 4> pad{0, 0, 0, 0};  // top, left, bottom, right (TF "SAME" may be asymmetric)
  std::array<int, 2> dilation{1, 1};
  int groups = 1;
  Activation act = Activation::none;
  bool has_bias = false;
  bool has_batch_norm = false;
  float bn_eps = 1e-3f;
  friend bool operator==(const Conv2dAttrs&, const Conv2dAttrs&) = default;
};

// inputs: x[..., K], weight[N, K], bias[N] if has_bias  ->  [..., N]
struct LinearAttrs {
  Activation act = Activation::none;
  bool has_bias = true;
  friend bool operator==(const LinearAttrs&, const LinearAttrs&) = default;
};

// inputs: a[..., M, K], b[..., K, N] (or [..., N, K] with transpose_b); batch dims broadcast
struct MatmulAttrs {
  bool transpose_b = false;
  friend bool operator==(const MatmulAttrs&, const MatmulAttrs&) = default;
};

// inputs: x[..., D], gamma[D], beta[D]; normalises over the last dimension
struct LayerNormAttrs {
  float eps = 1e-6f;
  friend bool operator==(const LayerNormAttrs&, const LayerNormAttrs&) = default;
};

struct SoftmaxAttrs {
  int axis = -1;
  friend bool operator==(const SoftmaxAttrs&, const SoftmaxAttrs&) = default;
};

// inputs: two or more tensors equal in every dimension but `axis`
struct ConcatAttrs {
  int axis = 0;
  friend bool operator==(const ConcatAttrs&, const ConcatAttrs&) = default;
};

// one dimension may be -1 (inferred)
struct ReshapeAttrs {
  Shape shape;
  friend bool operator==(const ReshapeAttrs&, const ReshapeAttrs&) = default;
};

struct TransposeAttrs {
  std::vector<int> perm;
  friend bool operator==(const TransposeAttrs&, const TransposeAttrs&) = default;
};

// x[N,C,H,W] -> [N,C,out_h,out_w].
// align_corners: corners of input and output grids coincide (src = dst·(in-1)/(out-1)).
// otherwise half_pixel_centers: src = (dst+0.5)·in/out − 0.5 (PyTorch align_corners=False);
// neither: src = dst·in/out (TF1 legacy resize_bilinear).
struct ResizeAttrs {
  std::int64_t out_h = 0;
  std::int64_t out_w = 0;
  bool align_corners = false;
  bool half_pixel_centers = true;
  friend bool operator==(const ResizeAttrs&, const ResizeAttrs&) = default;
};

// x[..., start:end, ...] along `axis`
struct SliceAttrs {
  int axis = 0;
  std::int64_t start = 0;
  std::int64_t end = 0;
  friend bool operator==(const SliceAttrs&, const SliceAttrs&) = default;
};

// Multi-head scaled dot-product self-attention.
// input: qkv[B, T, 3·D] laid out as [q | k | v] along the last dimension, each split into
// `heads` contiguous heads of D/heads; scale 1/sqrt(D/heads); output [B, T, D] (heads
// concatenated). The q/k/v and output projections are separate linear nodes.
struct AttentionAttrs {
  int heads = 1;
  friend bool operator==(const AttentionAttrs&, const AttentionAttrs&) = default;
};

// Mixture of experts with top-k routing (M³ViT / Edge-MoE).
// inputs: x[B,T,D], gate[D,E] (logits = x·gate, no bias), fc1_w[E,H,D], fc1_b[E,H],
//         fc2_w[E,D,H], fc2_b[E,D]
// p = softmax(logits) over E experts; the top_k experts by p (ties: lower index first)
// each compute fc2(act(fc1(x))); output = Σ p_e·expert_e(x), p not renormalised
// unless `renormalize`.
struct MoeAttrs {
  int experts = 16;
  int top_k = 2;
  int hidden = 384;
  Activation act = Activation::gelu;
  bool renormalize = false;
  friend bool operator==(const MoeAttrs&, const MoeAttrs&) = default;
};

// X(enumerator, name, attribute type)
#define EB_OPS(X)                                \
  X(conv2d, "conv2d", Conv2dAttrs)               \
  X(linear, "linear", LinearAttrs)               \
  X(matmul, "matmul", MatmulAttrs)               \
  X(layernorm, "layernorm", LayerNormAttrs)      \
  X(softmax, "softmax", SoftmaxAttrs)            \
  X(gelu, "gelu", NoAttrs)                       \
  X(relu, "relu", NoAttrs)                       \
  X(relu6, "relu6", NoAttrs)                     \
  X(hardswish, "hardswish", NoAttrs)             \
  X(hardsigmoid, "hardsigmoid", NoAttrs)         \
  X(sigmoid, "sigmoid", NoAttrs)                 \
  X(add, "add", NoAttrs)                         \
  X(mul, "mul", NoAttrs)                         \
  X(concat, "concat", ConcatAttrs)               \
  X(reshape, "reshape", ReshapeAttrs)            \
  X(transpose, "transpose", TransposeAttrs)      \
  X(slice, "slice", SliceAttrs)                  \
  X(resize_bilinear, "resize_bilinear", ResizeAttrs) \
  X(global_avg_pool, "global_avg_pool", NoAttrs) \
  X(attention, "attention", AttentionAttrs)      \
  X(moe, "moe", MoeAttrs)

enum class OpKind : std::uint8_t {
#define EB_X(e, n, a) e,
  EB_OPS(EB_X)
#undef EB_X
};

inline constexpr std::size_t kOpCount = 0
#define EB_X(e, n, a) +1
    EB_OPS(EB_X)
#undef EB_X
    ;
static_assert(kOpCount == 21, "an operator was added: update shape inference, cost, the reference kernels and every backend");

using OpAttrs = std::variant<NoAttrs, Conv2dAttrs, LinearAttrs, MatmulAttrs, LayerNormAttrs, SoftmaxAttrs, ConcatAttrs,
                             ReshapeAttrs, TransposeAttrs, SliceAttrs, ResizeAttrs, AttentionAttrs, MoeAttrs>;

std::string_view op_name(OpKind op);
OpKind parse_op(std::string_view name);  // throws std::invalid_argument
// The attribute value an op starts with; the variant alternative is the op's own type.
OpAttrs default_attrs(OpKind op);
// True when `attrs` holds the alternative that EB_OPS declares for `op`.
bool attrs_match(OpKind op, const OpAttrs& attrs);
// Element-wise unary ops (gelu, relu, relu6, hardswish, hardsigmoid, sigmoid).
bool is_unary_eltwise(OpKind op);
// The activation that a standalone unary op computes (throws for other ops).
Activation unary_activation(OpKind op);

}  // namespace eb
