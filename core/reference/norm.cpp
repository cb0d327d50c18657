// Reductions: layernorm, softmax and global average pooling, all summed in double.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "core/reference/detail.h"

namespace eb::ref::detail {

Tensor layernorm(const Node& node, Inputs in, const Shape& out_shape) {
  const double eps = node.attr<LayerNormAttrs>().eps;
  const float* x = in[0]->data<float>().data();
  const float* gamma = in[1]->data<float>().data();
  const float* beta = in[2]->data<float>().data();
  const std::int64_t D = out_shape.back();
  const std::int64_t rows = D == 0 ? 0 : numel(out_shape) / D;
  Tensor out(DType::f32, out_shape);
  float* y = out.data<float>().data();
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * D;
    double sum = 0;
    for (std::int64_t i = 0; i < D; ++i) sum += xr[i];
    const double mean = sum / static_cast<double>(D);
    double sq = 0;  // two-pass (biased) variance: no cancellation
    for (std::int64_t i = 0; i < D; ++i) {
      const double dv = xr[i] - mean;
      sq += dv * dv;
    }
    const double inv = 1.0 / std::sqrt(sq / static_cast<double>(D) + eps);
    for (std::int64_t i = 0; i < D; ++i)
      y[r * D + i] = static_cast<float>((xr[i] - mean) * inv * gamma[i] + static_cast<double>(beta[i]));
  }
  return out;
}

Tensor softmax(const Node& node, Inputs in, const Shape& out_shape) {
  const std::size_t axis = norm_axis(node.attr<SoftmaxAttrs>().axis, out_shape.size());
  const std::int64_t outer = span_numel(out_shape, 0, axis);
  const std::int64_t len = out_shape[axis];
  const std::int64_t inner = span_numel(out_shape, axis + 1, out_shape.size());
  const float* x = in[0]->data<float>().data();
  Tensor out(DType::f32, out_shape);
  float* y = out.data<float>().data();
  std::vector<double> e(static_cast<std::size_t>(len));
  for (std::int64_t o = 0; o < outer; ++o)
    for (std::int64_t i = 0; i < inner; ++i) {
      const float* xs = x + o * len * inner + i;
      float* ys = y + o * len * inner + i;
      double mx = -std::numeric_limits<double>::infinity();
      for (std::int64_t k = 0; k < len; ++k) mx = std::max(mx, static_cast<double>(xs[k * inner]));
      double sum = 0;
      for (std::int64_t k = 0; k < len; ++k) sum += e[static_cast<std::size_t>(k)] = std::exp(xs[k * inner] - mx);
      for (std::int64_t k = 0; k < len; ++k) ys[k * inner] = static_cast<float>(e[static_cast<std::size_t>(k)] / sum);
    }
  return out;
}

Tensor global_avg_pool(const Node&, Inputs in, const Shape& out_shape) {
  const Tensor& xt = *in[0];
  const std::int64_t planes = xt.dim(0) * xt.dim(1), hw = xt.dim(2) * xt.dim(3);
  const float* x = xt.data<float>().data();
  Tensor out(DType::f32, out_shape);
  float* y = out.data<float>().data();
  for (std::int64_t p = 0; p < planes; ++p) {
    double sum = 0;
    for (std::int64_t i = 0; i < hw; ++i) sum += x[p * hw + i];
    y[p] = static_cast<float>(sum / static_cast<double>(hw));
  }
  return out;
}

}  // namespace eb::ref::detail
