// The CUDA kernels of our own, as host functions that enqueue them on a stream.
//
// Conventions for every function here:
//   - pointers are device addresses; `void*` tensors hold the storage type `t` (f32, f16
//     or bf16); `float*` parameters (biases, layer-norm gamma/beta, gate weights) are f32;
//   - arithmetic is fp32 whatever the storage type, rounding once on store;
//   - layouts are those of core/ops.h (row-major, NCHW images, [B, T, D] tokens);
//   - each launch is checked (check_launch), never synchronised.
// Implementations: kernels/eltwise.cu, kernels/reduce.cu, kernels/layout.cu,
// kernels/moe.cu (and kernels/box_decode.cu behind box_decode.h).
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

#include "core/ops.h"

namespace eb::gpu::kernels {

using i64 = std::int64_t;

// Highest tensor rank the indexing kernels (broadcast, transpose) handle.
inline constexpr int kMaxRank = 6;

// ---- element-wise (eltwise.cu) ----------------------------------------------------------

// dst[i] = src[i] converted between storage types (f32 <-> f16/bf16, or a plain copy).
void convert(const void* src, DType src_t, void* dst, DType dst_t, i64 n, cudaStream_t stream);

// y[i] = act(x[i]); x and y may alias. Activations as core/ops.h defines them (gelu: erf).
void activation(const void* x, void* y, DType t, i64 n, Activation act, cudaStream_t stream);

// In place: y[i] = act(y[i] + bias[(i / inner) % channels]) — a per-channel bias for NCHW
// (inner = H·W) or for the last dimension (inner = 1). bias may be null.
void bias_activation(void* y, DType t, const float* bias, i64 n, i64 inner, i64 channels, Activation act,
                     cudaStream_t stream);

// Output index → operand offsets for NumPy broadcasting: dims of the output (rank ≤
// kMaxRank, outermost first) and each operand's element stride per output dimension
// (0 where it broadcasts). Plain arrays: the struct is a kernel argument.
struct Broadcast {
  int rank = 0;
  i64 dims[kMaxRank] = {};
  i64 stride_a[kMaxRank] = {};
  i64 stride_b[kMaxRank] = {};
  bool same_shape = false;  // both operands are the output's shape: index directly
};
// y = a + b or a · b with broadcasting; n = output elements.
void binary(const void* a, const void* b, void* y, DType t, const Broadcast& shape, bool multiply, i64 n,
            cudaStream_t stream);

// ---- reductions (reduce.cu) -------------------------------------------------------------

// Over the last dimension d of `rows` rows: (x − mean)/√(var + eps)·gamma + beta, with
// the two-pass (biased) variance.
void layernorm(const void* x, void* y, DType t, const float* gamma, const float* beta, i64 rows, i64 d, float eps,
               cudaStream_t stream);

// Softmax along an axis of length `len`, the tensor viewed as [outer, len, inner]; x and
// y may be the same buffer.
void softmax(const void* x, void* y, DType t, i64 outer, i64 len, i64 inner, cudaStream_t stream);

// Mean of each of `planes` contiguous planes of hw elements (NCHW global average pool).
void global_avg_pool(const void* x, void* y, DType t, i64 planes, i64 hw, cudaStream_t stream);

// ---- data movement (layout.cu) ----------------------------------------------------------

// Output index → input offset: output dims and the input stride each output dim walks.
struct Permute {
  int rank = 0;
  i64 dims[kMaxRank] = {};
  i64 in_stride[kMaxRank] = {};
};
void transpose(const void* x, void* y, DType t, const Permute& p, i64 n, cudaStream_t stream);

// Zero padding of `planes` planes h×w into out_h×out_w with the input at (top, left).
void pad2d(const void* x, void* y, DType t, i64 planes, i64 h, i64 w, i64 top, i64 left, i64 out_h, i64 out_w,
           cudaStream_t stream);

// Bilinear resize of `planes` planes with the coordinate rule of ResizeAttrs.
enum class ResizeMode : std::uint8_t { align_corners, half_pixel_centers, asymmetric };
void resize_bilinear(const void* x, void* y, DType t, i64 planes, i64 h, i64 w, i64 out_h, i64 out_w, ResizeMode mode,
                     cudaStream_t stream);

// Packed qkv [B, T, 3·H·hd] → q, k, v each [B·H, T, hd] (contiguous per head).
void split_heads(const void* qkv, void* q, void* k, void* v, DType t, i64 batch, i64 tokens, i64 heads, i64 head_dim,
                 cudaStream_t stream);
// o [B·H, T, hd] → y [B, T, H·hd] (heads concatenated).
void merge_heads(const void* o, void* y, DType t, i64 batch, i64 tokens, i64 heads, i64 head_dim, cudaStream_t stream);

// ---- mixture of experts (moe.cu) --------------------------------------------------------
//
// Routing state for M tokens and top-k experts: expert[M·k] and weight[M·k] (per token,
// rank 0 first), slot[M·k] (the token's position among the tokens of that expert, in
// token order), offsets[E+1] (exclusive prefix sum of the per-expert counts). The expert
// inputs are the M·k rows "rows[offsets[e] + slot]".

// Gate: logits = x·gate (gate [D, E], fp32 accumulation into `logits` [M, E]), softmax over
// E, top-k by probability with ties to the lower expert index; weight = p (or p / Σ chosen
// p when renormalize). experts ≤ kMaxExperts, top_k ≤ kMaxTopK.
inline constexpr int kMaxExperts = 64;
inline constexpr int kMaxTopK = 8;
void moe_gate(const void* x, DType t, const float* gate, i64 tokens, i64 d, int experts, int top_k, bool renormalize,
              float* logits, int* expert, float* weight, cudaStream_t stream);
// Slots (deterministic: tokens in order) and offsets from the chosen experts.
void moe_route(const int* expert, i64 tokens, int top_k, int experts, int* slot, int* offsets, cudaStream_t stream);
// rows[offsets[e] + slot] = x[token] for every (token, rank).
void moe_gather(const void* x, DType t, const int* expert, const int* slot, const int* offsets, i64 tokens, int top_k,
                i64 d, void* rows, cudaStream_t stream);
// In place over all M·k rows of width h: act(row + bias[e]) with e the expert owning the row.
void moe_bias_activation(void* rows, DType t, const float* bias, const int* offsets, int experts, i64 n_rows, i64 h,
                         Activation act, cudaStream_t stream);
// y[token] = Σ_rank weight · (expert_out[offsets[e] + slot] + bias[e]), ranks in order
// (no atomics: the same inputs give the same bits).
void moe_combine(const void* expert_out, DType t, const int* expert, const int* slot, const int* offsets,
                 const float* weight, const float* bias, i64 tokens, int top_k, i64 d, void* y, cudaStream_t stream);

// A trivial kernel's attributes: cudaSuccess when this build has code the current device
// can run (used by probe()).
cudaError_t probe_kernel_image();

}  // namespace eb::gpu::kernels
