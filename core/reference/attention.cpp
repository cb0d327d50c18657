// Multi-head self-attention on packed qkv [B, T, 3·D]: per batch and head,
// softmax(Q·Kᵀ / √head_dim)·V, with the scores and probabilities kept in double.
#include <algorithm>
#include <cmath>
#include <vector>

#include "core/reference/detail.h"
#include "core/reference/gemm.h"

namespace eb::ref::detail {

Tensor attention(const Node& node, Inputs in, const Shape& out_shape) {
  const std::int64_t heads = node.attr<AttentionAttrs>().heads;
  const Tensor& qkv = *in[0];
  const std::int64_t B = qkv.dim(0), T = qkv.dim(1), D3 = qkv.dim(2), D = D3 / 3, hd = D / heads;
  const double scale = 1.0 / std::sqrt(static_cast<double>(hd));
  const float* X = qkv.data<float>().data();
  Tensor out(DType::f32, out_shape);
  float* Y = out.data<float>().data();
  std::vector<double> scores(static_cast<std::size_t>(T * T));
  std::vector<double> o(static_cast<std::size_t>(T * hd));
  std::vector<float> v(static_cast<std::size_t>(T * hd));
  for (std::int64_t b = 0; b < B; ++b) {
    const float* xb = X + b * T * D3;
    for (std::int64_t h = 0; h < heads; ++h) {
      const float* q = xb + h * hd;
      const float* k = xb + D + h * hd;
      const float* vs = xb + 2 * D + h * hd;
      const std::vector<float> kt = transposed(k, T, hd, D3);  // [hd, T]
      gemm_nn(q, D3, kt.data(), T, hd, T, scores.data());
      for (std::int64_t i = 0; i < T; ++i) {
        double* row = scores.data() + i * T;
        double mx = -INFINITY;
        for (std::int64_t j = 0; j < T; ++j) mx = std::max(mx, row[j] * scale);
        double sum = 0;
        for (std::int64_t j = 0; j < T; ++j) sum += row[j] = std::exp(row[j] * scale - mx);
        for (std::int64_t j = 0; j < T; ++j) row[j] /= sum;
      }
      for (std::int64_t t = 0; t < T; ++t) std::copy_n(vs + t * D3, hd, v.data() + t * hd);
      gemm_nn(scores.data(), T, v.data(), T, T, hd, o.data());
      for (std::int64_t t = 0; t < T; ++t)
        for (std::int64_t j = 0; j < hd; ++j)
          Y[(b * T + t) * D + h * hd + j] = static_cast<float>(o[static_cast<std::size_t>(t * hd + j)]);
    }
  }
  return out;
}

}  // namespace eb::ref::detail
