// Element-wise operators: the unary activations and broadcasting add / mul.
#include <vector>

#include "core/reference/detail.h"
#include "core/reference/kernels.h"

namespace eb::ref::detail {

Tensor unary(const Node& node, Inputs in, const Shape& out_shape) {
  const Activation act = unary_activation(node.op);
  const auto x = in[0]->data<float>();
  Tensor out(DType::f32, out_shape);
  auto y = out.data<float>();
  for (std::size_t i = 0; i < x.size(); ++i) y[i] = static_cast<float>(apply_activation(act, x[i]));
  return out;
}

Tensor binary(const Node& node, Inputs in, const Shape& out_shape) {
  const bool is_mul = node.op == OpKind::mul;
  const std::size_t rank = out_shape.size();
  // Element strides of each operand aligned to the output's dimensions (NumPy rules:
  // shapes align at the right; a dimension of 1 or a missing one broadcasts, stride 0).
  auto strides = [&](const Shape& s) {
    std::vector<std::int64_t> st(rank, 0);
    std::int64_t stride = 1;
    for (std::size_t i = 0; i < s.size(); ++i) {
      const std::size_t d = s.size() - 1 - i;
      st[rank - 1 - i] = s[d] == 1 ? 0 : stride;
      stride *= s[d];
    }
    return st;
  };
  const auto sa = strides(in[0]->shape());
  const auto sb = strides(in[1]->shape());
  const float* A = in[0]->data<float>().data();
  const float* B = in[1]->data<float>().data();
  Tensor out(DType::f32, out_shape);
  float* Y = out.data<float>().data();
  if (rank == 0) {
    Y[0] = is_mul ? A[0] * B[0] : A[0] + B[0];
    return out;
  }
  // The innermost dimension is a plain loop; the outer ones advance like an odometer.
  // (float + float and float · float round exactly as in double then to float.)
  const std::int64_t inner = out_shape.back(), ia = sa.back(), ib = sb.back();
  const std::int64_t outer = span_numel(out_shape, 0, rank - 1);
  std::vector<std::int64_t> idx(rank - 1, 0);
  std::int64_t oa = 0, ob = 0;
  for (std::int64_t o = 0; o < outer; ++o) {
    float* y = Y + o * inner;
    const float* a = A + oa;
    const float* b = B + ob;
    if (is_mul)
      for (std::int64_t i = 0; i < inner; ++i) y[i] = a[i * ia] * b[i * ib];
    else
      for (std::int64_t i = 0; i < inner; ++i) y[i] = a[i * ia] + b[i * ib];
    for (std::size_t d = rank - 1; d-- > 0;) {
      oa += sa[d];
      ob += sb[d];
      if (++idx[d] < out_shape[d]) break;
      oa -= sa[d] * out_shape[d];
      ob -= sb[d] * out_shape[d];
      idx[d] = 0;
    }
  }
  return out;
}

}  // namespace eb::ref::detail
