// attention on packed qkv [B, T, 3·D]: split into per-head q, k, v [B·H, T, hd]
// (one kernel), S = q·kᵀ·(1/√hd) as one strided-batched GEMM over the B·H heads, softmax
// over each row of S (our kernel, fp32 inside), O = S·v as a second strided-batched GEMM,
// and the heads merged back into [B, T, D]. The scores are stored in the storage type.
//
// Column-major views for cuBLAS (row-major [R, C] = column-major C×R):
//   S [T, T] = q kᵀ   →  Sᵀ = k_cm(hd×T)ᵀ · q_cm(hd×T):   m = T, n = T, k = hd, A = k (T), B = q (N)
//   O [T, hd] = S v   →  Oᵀ = v_cm(hd×T) · S_cm(T×T):      m = hd, n = T, k = T, A = v (N), B = S (N)
#include <cmath>

#include "backends/gpu/kernels.h"
#include "backends/gpu/ops/ops.h"

namespace eb::gpu {

Steps build_attention(const Node& node, BuildEnv& env) {
  const Shape& qs = env.shape(node.inputs[0]);
  const std::int64_t B = qs[0], T = qs[1], D = qs[2] / 3, H = node.attr<AttentionAttrs>().heads, hd = D / H;
  const DType t = env.dtype();
  const std::size_t elt = dtype_size(t);
  // Scratch: q, k, v, o (each B·H·T·hd) then the scores (B·H·T·T).
  const std::size_t head_bytes = align_up(static_cast<std::size_t>(B * H * T * hd) * elt);
  const std::size_t score_bytes = align_up(static_cast<std::size_t>(B * H * T * T) * elt);
  env.scratch.reserve(4 * head_bytes + score_bytes);

  const void* qkv = env.address(node.inputs[0]);
  void* y = env.address(node.name);
  const float scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(hd)));
  const cudaDataType_t type = cuda_data_type(t);
  const cublasComputeType_t compute = blas_compute_type(env.ctx.options());
  cublasHandle_t blas = env.ctx.blas();
  Workspace* scratch = &env.scratch;
  const int bh = static_cast<int>(B * H), ti = static_cast<int>(T), hi = static_cast<int>(hd);

  Steps steps;
  steps.push_back(make_step(node.name, "attention", [=](cudaStream_t stream) {
    std::byte* base = scratch->data();
    std::byte* q = base;
    std::byte* k = q + head_bytes;
    std::byte* v = k + head_bytes;
    std::byte* o = v + head_bytes;
    std::byte* s = o + head_bytes;
    kernels::split_heads(qkv, q, k, v, t, B, T, H, hd, stream);
    const float zero = 0.0f, one = 1.0f;
    EB_GPU_CHECK(cublasGemmStridedBatchedEx(blas, CUBLAS_OP_T, CUBLAS_OP_N, ti, ti, hi, &scale, k, type, hi, T * hd, q, type,
                                            hi, T * hd, &zero, s, type, ti, T * T, bh, compute, CUBLAS_GEMM_DEFAULT));
    kernels::softmax(s, s, t, B * H * T, T, 1, stream);
    EB_GPU_CHECK(cublasGemmStridedBatchedEx(blas, CUBLAS_OP_N, CUBLAS_OP_N, hi, ti, ti, &one, v, type, hi, T * hd, s, type,
                                            ti, T * T, &zero, o, type, hi, T * hd, bh, compute, CUBLAS_GEMM_DEFAULT));
    kernels::merge_heads(o, y, t, B, T, H, hd, stream);
  }));
  return steps;
}

}  // namespace eb::gpu
