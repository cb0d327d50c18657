// linear (x·Wᵀ + b, fused activation) and batched matmul with broadcast batch dimensions.
#include <vector>

#include "core/reference/detail.h"
#include "core/reference/gemm.h"
#include "core/reference/kernels.h"

namespace eb::ref::detail {

Tensor linear(const Node& node, Inputs in, const Shape& out_shape) {
  const auto& a = node.attr<LinearAttrs>();
  const Tensor& x = *in[0];
  const Tensor& w = *in[1];
  const std::int64_t K = x.dim(-1), N = w.dim(0), M = x.numel() / (K == 0 ? 1 : K);
  // Weight is [N, K]; gemm_nn wants [K, N] so its inner loop runs over contiguous n.
  const std::vector<float> wt = transposed(w.data<float>().data(), N, K, K);
  std::vector<double> acc(static_cast<std::size_t>(M * N));
  gemm_nn(x.data<float>().data(), K, wt.data(), M, K, N, acc.data());
  const float* bias = a.has_bias ? in[2]->data<float>().data() : nullptr;
  Tensor out(DType::f32, out_shape);
  auto y = out.data<float>();
  for (std::int64_t m = 0; m < M; ++m)
    for (std::int64_t n = 0; n < N; ++n) {
      const std::size_t i = static_cast<std::size_t>(m * N + n);
      y[i] = static_cast<float>(apply_activation(a.act, acc[i] + (bias ? bias[n] : 0.0)));
    }
  return out;
}

Tensor matmul(const Node& node, Inputs in, const Shape& out_shape) {
  const bool tb = node.attr<MatmulAttrs>().transpose_b;
  const Tensor& at = *in[0];
  const Tensor& bt = *in[1];
  const Shape& as = at.shape();
  const Shape& bs = bt.shape();
  const std::int64_t M = as[as.size() - 2], K = as.back();
  const std::int64_t N = out_shape.back();
  const std::size_t batch_rank = out_shape.size() - 2;

  // Strides (in matrices) of each operand's batch dimensions against the output's batch
  // dimensions; 0 where an operand broadcasts.
  auto batch_strides = [&](const Shape& s) {
    std::vector<std::int64_t> st(batch_rank, 0);
    const std::size_t r = s.size() - 2;
    std::int64_t stride = 1;
    for (std::size_t i = 0; i < r; ++i) {
      const std::size_t d = r - 1 - i;
      const std::size_t od = batch_rank - 1 - i;
      st[od] = s[d] == 1 ? 0 : stride;
      stride *= s[d];
    }
    return st;
  };
  const auto sa = batch_strides(as);
  const auto sb = batch_strides(bs);
  const std::int64_t batches = span_numel(out_shape, 0, batch_rank);

  const float* A = at.data<float>().data();
  const float* B = bt.data<float>().data();
  Tensor out(DType::f32, out_shape);
  float* Y = out.data<float>().data();
  std::vector<double> acc(static_cast<std::size_t>(M * N));
  std::vector<std::int64_t> idx(batch_rank, 0);
  for (std::int64_t bi = 0; bi < batches; ++bi) {
    std::int64_t ia = 0, ib = 0;
    for (std::size_t d = 0; d < batch_rank; ++d) {
      ia += idx[d] * sa[d];
      ib += idx[d] * sb[d];
    }
    const float* a_mat = A + ia * M * K;
    const float* b_mat = B + ib * K * N;
    if (tb) {
      const std::vector<float> b_kn = transposed(b_mat, N, K, K);
      gemm_nn(a_mat, K, b_kn.data(), M, K, N, acc.data());
    } else {
      gemm_nn(a_mat, K, b_mat, M, K, N, acc.data());
    }
    float* y = Y + bi * M * N;
    for (std::size_t i = 0; i < acc.size(); ++i) y[i] = static_cast<float>(acc[i]);
    for (std::size_t d = batch_rank; d-- > 0;) {  // odometer over the output batch index
      if (++idx[d] < out_shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

}  // namespace eb::ref::detail
