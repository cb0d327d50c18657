// linear and matmul on cuBLAS. Everything here is row-major in the graph and
// column-major to cuBLAS: a row-major [R, C] matrix is a column-major C×R one, so
// Y = X·Wᵀ (X [M, K], W [N, K], Y [M, N]) is computed as Yᵀ = W·Xᵀ with
// m = N, n = M, k = K, A = W transposed (lda K), B = X (ldb K), C = Y (ldc N).
//
// linear uses cuBLASLt: its BIAS epilogue adds the bias along D's rows (our N), and
// RELU_BIAS also applies ReLU. cuBLASLt's GELU epilogue is the tanh approximation, not
// the erf form core/ops.h defines, so GELU and the other activations run as one kernel
// after the product. The algorithm is cuBLASLt's heuristic pick, made once here; where
// cuBLASLt has none (odd shapes in 16-bit types), cublasGemmEx and our bias+activation
// kernel take over.
#include <string>

#include "backends/gpu/kernels.h"
#include "backends/gpu/ops/ops.h"

namespace eb::gpu {
namespace {

template <class V>
void set_desc(cublasLtMatmulDesc_t desc, cublasLtMatmulDescAttributes_t attr, const V& value) {
  EB_GPU_CHECK(cublasLtMatmulDescSetAttribute(desc, attr, &value, sizeof(value)));
}

LtLayout make_layout(cudaDataType_t type, std::int64_t rows, std::int64_t cols, std::int64_t ld) {
  cublasLtMatrixLayout_t l{};
  EB_GPU_CHECK(cublasLtMatrixLayoutCreate(&l, type, static_cast<std::uint64_t>(rows), static_cast<std::uint64_t>(cols), ld));
  return LtLayout(l);
}

class LinearStep final : public Step {
 public:
  LinearStep(const Node& node, BuildEnv& env) : Step(node.name, "linear"), ctx_(env.ctx) {
    const auto& a = node.attr<LinearAttrs>();
    const Shape& xs = env.shape(node.inputs[0]);
    k_ = xs.back();
    n_ = env.shape(node.inputs[1])[0];
    m_ = k_ == 0 ? 0 : numel(xs) / k_;
    dtype_ = env.dtype();
    act_ = a.act;
    x_ = env.address(node.inputs[0]);
    w_ = env.address(node.inputs[1]);
    y_ = env.address(node.name);
    const void* bias = a.has_bias ? env.address(node.inputs[2]) : nullptr;
    if (a.has_bias) bias_f32_ = env.weight_f32(node.inputs[2]);  // for the fallback's epilogue kernel

    cublasLtMatmulDesc_t d{};
    EB_GPU_CHECK(cublasLtMatmulDescCreate(&d, blas_compute_type(ctx_.options()), CUDA_R_32F));
    desc_ = LtMatmulDesc(d);
    set_desc(desc_.get(), CUBLASLT_MATMUL_DESC_TRANSA, CUBLAS_OP_T);
    set_desc(desc_.get(), CUBLASLT_MATMUL_DESC_TRANSB, CUBLAS_OP_N);
    cublasLtEpilogue_t epilogue = CUBLASLT_EPILOGUE_DEFAULT;
    if (a.act == Activation::relu) {
      epilogue = bias ? CUBLASLT_EPILOGUE_RELU_BIAS : CUBLASLT_EPILOGUE_RELU;
    } else {
      epilogue = bias ? CUBLASLT_EPILOGUE_BIAS : CUBLASLT_EPILOGUE_DEFAULT;
      post_act_ = a.act;
    }
    set_desc(desc_.get(), CUBLASLT_MATMUL_DESC_EPILOGUE, epilogue);
    // The bias has the type of D (the storage type) by cuBLASLt's default.
    if (bias) set_desc(desc_.get(), CUBLASLT_MATMUL_DESC_BIAS_POINTER, bias);

    const cudaDataType_t type = cuda_data_type(dtype_);
    a_ = make_layout(type, k_, n_, k_);
    b_ = make_layout(type, k_, m_, k_);
    c_ = make_layout(type, n_, m_, n_);

    cublasLtMatmulPreference_t p{};
    EB_GPU_CHECK(cublasLtMatmulPreferenceCreate(&p));
    LtPreference pref(p);
    const std::uint64_t ws = ctx_.blas_workspace_bytes();
    EB_GPU_CHECK(cublasLtMatmulPreferenceSetAttribute(pref.get(), CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &ws, sizeof(ws)));
    cublasLtMatmulHeuristicResult_t result{};
    int returned = 0;
    // No algorithm (CUBLAS_STATUS_NOT_SUPPORTED or none returned) is possible for odd
    // shapes in 16-bit types; plain cuBLAS plus our epilogue kernel then does the work.
    const cublasStatus_t status = cublasLtMatmulAlgoGetHeuristic(ctx_.blas_lt(), desc_.get(), a_.get(), b_.get(), c_.get(),
                                                                 c_.get(), pref.get(), 1, &result, &returned);
    if (status == CUBLAS_STATUS_SUCCESS && returned > 0) {
      algo_ = result.algo;
      use_lt_ = true;
    } else if (status != CUBLAS_STATUS_NOT_SUPPORTED && status != CUBLAS_STATUS_SUCCESS) {
      check(status, "cublasLtMatmulAlgoGetHeuristic");
    }
  }

  void enqueue(cudaStream_t stream) override {
    const float one = 1.0f, zero = 0.0f;
    if (use_lt_) {
      EB_GPU_CHECK(cublasLtMatmul(ctx_.blas_lt(), desc_.get(), &one, w_, a_.get(), x_, b_.get(), &zero, y_, c_.get(), y_,
                                  c_.get(), &algo_, ctx_.blas_workspace(), ctx_.blas_workspace_bytes(), stream));
      if (post_act_ != Activation::none) kernels::activation(y_, y_, dtype_, m_ * n_, post_act_, stream);
      return;
    }
    const cudaDataType_t type = cuda_data_type(dtype_);
    EB_GPU_CHECK(cublasGemmEx(ctx_.blas(), CUBLAS_OP_T, CUBLAS_OP_N, static_cast<int>(n_), static_cast<int>(m_),
                              static_cast<int>(k_), &one, w_, type, static_cast<int>(k_), x_, type, static_cast<int>(k_), &zero,
                              y_, type, static_cast<int>(n_), blas_compute_type(ctx_.options()), CUBLAS_GEMM_DEFAULT));
    kernels::bias_activation(y_, dtype_, bias_f32_, m_ * n_, 1, n_, act_, stream);
  }

  std::string describe() const override { return use_lt_ ? "cublasLt" : "cublas+epilogue kernel"; }

 private:
  GpuContext& ctx_;
  std::int64_t m_ = 0, n_ = 0, k_ = 0;
  DType dtype_ = DType::f32;
  Activation act_ = Activation::none;
  const void* x_ = nullptr;
  const void* w_ = nullptr;
  void* y_ = nullptr;
  const float* bias_f32_ = nullptr;
  Activation post_act_ = Activation::none;
  bool use_lt_ = false;
  LtMatmulDesc desc_;
  LtLayout a_, b_, c_;
  cublasLtMatmulAlgo_t algo_{};
};

}  // namespace

Steps build_linear(const Node& node, BuildEnv& env) {
  Steps steps;
  steps.push_back(std::make_unique<LinearStep>(node, env));
  return steps;
}

// Batched row-major C[M, N] = A[M, K]·B[K, N] (or B [N, K] transposed): with the
// column-major view, Cᵀ = Bᵀ·Aᵀ, so cuBLAS gets m = N, n = M, A = B and B = A. An
// operand whose batch dimensions are all 1 is shared by every batch (stride 0);
// support.cpp admits only that case and the plain one (same batch shape as the output).
Steps build_matmul(const Node& node, BuildEnv& env) {
  const bool tb = node.attr<MatmulAttrs>().transpose_b;
  const Shape& as = env.shape(node.inputs[0]);
  const Shape& bs = env.shape(node.inputs[1]);
  const Shape& os = env.shape(node.name);
  const std::int64_t M = as[as.size() - 2], K = as.back(), N = os.back();
  const std::int64_t batch = numel(os) / (M * N == 0 ? 1 : M * N);
  const std::int64_t stride_a = numel(as) / (M * K == 0 ? 1 : M * K) == 1 ? 0 : M * K;
  const std::int64_t stride_b = numel(bs) / (K * N == 0 ? 1 : K * N) == 1 ? 0 : K * N;
  const void* a = env.address(node.inputs[0]);
  const void* b = env.address(node.inputs[1]);
  void* c = env.address(node.name);
  const cudaDataType_t type = cuda_data_type(env.dtype());
  const cublasComputeType_t compute = blas_compute_type(env.ctx.options());
  cublasHandle_t blas = env.ctx.blas();
  Steps steps;
  steps.push_back(make_step(node.name, "matmul", [=](cudaStream_t) {
    const float one = 1.0f, zero = 0.0f;
    EB_GPU_CHECK(cublasGemmStridedBatchedEx(blas, tb ? CUBLAS_OP_T : CUBLAS_OP_N, CUBLAS_OP_N, static_cast<int>(N),
                                            static_cast<int>(M), static_cast<int>(K), &one, b, type,
                                            static_cast<int>(tb ? K : N), stride_b, a, type, static_cast<int>(K), stride_a,
                                            &zero, c, type, static_cast<int>(N), M * N, static_cast<int>(batch), compute,
                                            CUBLAS_GEMM_DEFAULT));
  }));
  return steps;
}

}  // namespace eb::gpu
