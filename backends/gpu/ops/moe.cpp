// moe as three steps over M = B·T tokens, E experts, top-k routing:
//
//   moe:route    (captured)  gate logits, softmax, top-k → expert/weight per (token, rank);
//                            slots and per-expert offsets; gather the M·k token rows into
//                            contiguous per-expert blocks
//   moe:experts  (eager)     copy the E+1 offsets to the host and wait for them, then per
//                            active expert e (count > 0) two cuBLAS GEMMs of exactly its
//                            rows: h = rows·W1[e]ᵀ, one bias+activation kernel over all
//                            rows, out = h·W2[e]ᵀ
//   moe:combine  (captured)  y[token] = Σ_rank p·(out[row] + b2[e]), ranks in order
//
// The expert GEMM sizes depend on the data, so the experts step cannot live inside a
// CUDA graph; it splits the executable's graph (see executable.h). The alternative —
// running every expert on all M tokens so that shapes are static — costs E/k times the
// expert FLOPs (8× for M³ViT) and would misrepresent a GPU running MoE.
//
// All routing state lives in the shared scratch, which no other step touches between
// these three.
#include <string>
#include <vector>

#include "backends/gpu/kernels.h"
#include "backends/gpu/ops/ops.h"

namespace eb::gpu {
namespace {

// Byte offsets of the node's buffers in the scratch workspace.
struct MoeLayout {
  std::size_t logits = 0, expert = 0, weight = 0, slot = 0, offsets = 0, rows = 0, hidden = 0, out = 0, total = 0;

  MoeLayout(std::int64_t tokens, std::int64_t d, std::int64_t h, int experts, int top_k, std::size_t elt) {
    const auto mk = static_cast<std::size_t>(tokens * top_k);
    std::size_t at = 0;
    const auto take = [&at](std::size_t bytes) {
      const std::size_t here = at;
      at += align_up(bytes);
      return here;
    };
    logits = take(static_cast<std::size_t>(tokens) * static_cast<std::size_t>(experts) * sizeof(float));
    expert = take(mk * sizeof(int));
    weight = take(mk * sizeof(float));
    slot = take(mk * sizeof(int));
    offsets = take((static_cast<std::size_t>(experts) + 1) * sizeof(int));
    rows = take(mk * static_cast<std::size_t>(d) * elt);
    hidden = take(mk * static_cast<std::size_t>(h) * elt);
    out = take(mk * static_cast<std::size_t>(d) * elt);
    total = at;
  }
};

class ExpertsStep final : public Step {
 public:
  ExpertsStep(const Node& node, BuildEnv& env, MoeLayout layout, std::int64_t tokens, std::int64_t d)
      : Step(node.name, "moe:experts", /*capturable=*/false),
        ctx_(env.ctx),
        scratch_(env.scratch),
        layout_(layout),
        a_(node.attr<MoeAttrs>()),
        tokens_(tokens),
        d_(d),
        dtype_(env.dtype()),
        w1_(env.address(node.inputs[2])),
        b1_(env.weight_f32(node.inputs[3])),
        w2_(env.address(node.inputs[4])),
        host_offsets_(sizeof(int) * (static_cast<std::size_t>(a_.experts) + 1)) {}

  void enqueue(cudaStream_t stream) override {
    std::byte* base = scratch_.data();
    const int* dev_offsets = reinterpret_cast<const int*>(base + layout_.offsets);
    EB_GPU_CHECK(cudaMemcpyAsync(host_offsets_.data(), dev_offsets, host_offsets_.bytes(), cudaMemcpyDeviceToHost, stream));
    EB_GPU_CHECK(cudaStreamSynchronize(stream));
    const int* off = static_cast<const int*>(host_offsets_.data());
    const std::size_t elt = dtype_size(dtype_);
    const cudaDataType_t type = cuda_data_type(dtype_);
    const cublasComputeType_t compute = blas_compute_type(ctx_.options());
    const std::int64_t h = a_.hidden;
    const float one = 1.0f, zero = 0.0f;
    std::byte* rows = base + layout_.rows;
    std::byte* hidden = base + layout_.hidden;
    std::byte* out = base + layout_.out;
    const auto* w1 = static_cast<const std::byte*>(w1_);
    const auto* w2 = static_cast<const std::byte*>(w2_);
    // fc1 of every active expert: hidden[rows of e] = rows[e]·W1[e]ᵀ (W1[e] is [H, D]).
    for (int e = 0; e < a_.experts; ++e) {
      const int count = off[e + 1] - off[e];
      if (count == 0) continue;
      EB_GPU_CHECK(cublasGemmEx(ctx_.blas(), CUBLAS_OP_T, CUBLAS_OP_N, static_cast<int>(h), count, static_cast<int>(d_),
                                &one, w1 + static_cast<std::size_t>(e * h * d_) * elt, type, static_cast<int>(d_),
                                rows + static_cast<std::size_t>(off[e] * d_) * elt, type, static_cast<int>(d_), &zero,
                                hidden + static_cast<std::size_t>(off[e] * h) * elt, type, static_cast<int>(h), compute,
                                CUBLAS_GEMM_DEFAULT));
    }
    kernels::moe_bias_activation(hidden, dtype_, b1_, dev_offsets, a_.experts, tokens_ * a_.top_k, h, a_.act, stream);
    // fc2: out[rows of e] = hidden[e]·W2[e]ᵀ (W2[e] is [D, H]); its bias is added in the combine.
    for (int e = 0; e < a_.experts; ++e) {
      const int count = off[e + 1] - off[e];
      if (count == 0) continue;
      EB_GPU_CHECK(cublasGemmEx(ctx_.blas(), CUBLAS_OP_T, CUBLAS_OP_N, static_cast<int>(d_), count, static_cast<int>(h),
                                &one, w2 + static_cast<std::size_t>(e * d_ * h) * elt, type, static_cast<int>(h),
                                hidden + static_cast<std::size_t>(off[e] * h) * elt, type, static_cast<int>(h), &zero,
                                out + static_cast<std::size_t>(off[e] * d_) * elt, type, static_cast<int>(d_), compute,
                                CUBLAS_GEMM_DEFAULT));
    }
  }

 private:
  GpuContext& ctx_;
  Workspace& scratch_;
  MoeLayout layout_;
  MoeAttrs a_;
  std::int64_t tokens_, d_;
  DType dtype_;
  const void* w1_;
  const float* b1_;
  const void* w2_;
  PinnedBuffer host_offsets_;
};

}  // namespace

Steps build_moe(const Node& node, BuildEnv& env) {
  const auto& a = node.attr<MoeAttrs>();
  const Shape& xs = env.shape(node.inputs[0]);
  const std::int64_t d = xs[2], tokens = xs[0] * xs[1];
  const DType t = env.dtype();
  const MoeLayout layout(tokens, d, a.hidden, a.experts, a.top_k, dtype_size(t));
  env.scratch.reserve(layout.total);

  const void* x = env.address(node.inputs[0]);
  const float* gate = env.weight_f32(node.inputs[1]);
  const float* b2 = env.weight_f32(node.inputs[5]);
  void* y = env.address(node.name);
  Workspace* scratch = &env.scratch;

  Steps steps;
  steps.push_back(make_step(node.name, "moe:route", [=](cudaStream_t stream) {
    std::byte* base = scratch->data();
    auto* expert = reinterpret_cast<int*>(base + layout.expert);
    auto* slot = reinterpret_cast<int*>(base + layout.slot);
    auto* offsets = reinterpret_cast<int*>(base + layout.offsets);
    kernels::moe_gate(x, t, gate, tokens, d, a.experts, a.top_k, a.renormalize, reinterpret_cast<float*>(base + layout.logits),
                      expert, reinterpret_cast<float*>(base + layout.weight), stream);
    kernels::moe_route(expert, tokens, a.top_k, a.experts, slot, offsets, stream);
    kernels::moe_gather(x, t, expert, slot, offsets, tokens, a.top_k, d, base + layout.rows, stream);
  }));
  steps.push_back(std::make_unique<ExpertsStep>(node, env, layout, tokens, d));
  steps.push_back(make_step(node.name, "moe:combine", [=](cudaStream_t stream) {
    std::byte* base = scratch->data();
    kernels::moe_combine(base + layout.out, t, reinterpret_cast<const int*>(base + layout.expert),
                         reinterpret_cast<const int*>(base + layout.slot), reinterpret_cast<const int*>(base + layout.offsets),
                         reinterpret_cast<const float*>(base + layout.weight), b2, tokens, a.top_k, d, y, stream);
  }));
  return steps;
}

}  // namespace eb::gpu
