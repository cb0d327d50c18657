// Data movement: concat, reshape, transpose, slice, and bilinear resizing.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "core/resize_taps.h"
#include "core/reference/detail.h"

namespace eb::ref::detail {

Tensor concat(const Node& node, Inputs in, const Shape& out_shape) {
  const std::size_t axis = norm_axis(node.attr<ConcatAttrs>().axis, out_shape.size());
  const std::int64_t outer = span_numel(out_shape, 0, axis);
  const std::int64_t inner = span_numel(out_shape, axis + 1, out_shape.size());
  const std::int64_t out_row = out_shape[axis] * inner;
  Tensor out(DType::f32, out_shape);
  float* y = out.data<float>().data();
  std::int64_t at = 0;  // offset of the current input's block within an output row
  for (const Tensor* t : in) {
    const std::int64_t row = t->dim(static_cast<int>(axis)) * inner;
    const float* x = t->data<float>().data();
    for (std::int64_t o = 0; o < outer; ++o) std::copy_n(x + o * row, row, y + o * out_row + at);
    at += row;
  }
  return out;
}

Tensor reshape(const Node&, Inputs in, const Shape& out_shape) { return in[0]->reshaped(out_shape); }

Tensor transpose(const Node& node, Inputs in, const Shape& out_shape) {
  const auto& perm = node.attr<TransposeAttrs>().perm;
  const Shape& is = in[0]->shape();
  const std::size_t rank = is.size();
  std::vector<std::int64_t> in_stride(rank, 1);
  for (std::size_t d = rank; d-- > 1;) in_stride[d - 1] = in_stride[d] * is[d];
  // Output dimension d walks input dimension perm[d].
  std::vector<std::int64_t> st(rank);
  for (std::size_t d = 0; d < rank; ++d) st[d] = in_stride[static_cast<std::size_t>(perm[d])];
  const float* x = in[0]->data<float>().data();
  Tensor out(DType::f32, out_shape);
  auto y = out.data<float>();
  std::vector<std::int64_t> idx(rank, 0);
  std::int64_t off = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    y[i] = x[off];
    for (std::size_t d = rank; d-- > 0;) {
      off += st[d];
      if (++idx[d] < out_shape[d]) break;
      off -= st[d] * out_shape[d];
      idx[d] = 0;
    }
  }
  return out;
}

Tensor slice(const Node& node, Inputs in, const Shape& out_shape) {
  const auto& a = node.attr<SliceAttrs>();
  const Shape& is = in[0]->shape();
  const std::size_t axis = norm_axis(a.axis, is.size());
  const std::int64_t outer = span_numel(is, 0, axis);
  const std::int64_t inner = span_numel(is, axis + 1, is.size());
  const std::int64_t in_row = is[axis] * inner, out_row = (a.end - a.start) * inner;
  const float* x = in[0]->data<float>().data();
  Tensor out(DType::f32, out_shape);
  float* y = out.data<float>().data();
  for (std::int64_t o = 0; o < outer; ++o) std::copy_n(x + o * in_row + a.start * inner, out_row, y + o * out_row);
  return out;
}

Tensor resize_bilinear(const Node& node, Inputs in, const Shape& out_shape) {
  const auto& a = node.attr<ResizeAttrs>();
  const Tensor& xt = *in[0];
  const std::int64_t planes = xt.dim(0) * xt.dim(1), H = xt.dim(2), W = xt.dim(3);
  const std::int64_t OH = out_shape[2], OW = out_shape[3];
  const auto ty = resize_taps(a, H, OH);
  const auto tx = resize_taps(a, W, OW);
  const float* x = xt.data<float>().data();
  Tensor out(DType::f32, out_shape);
  float* y = out.data<float>().data();
  for (std::int64_t p = 0; p < planes; ++p) {
    const float* xp = x + p * H * W;
    float* yp = y + p * OH * OW;
    for (std::int64_t oy = 0; oy < OH; ++oy) {
      const ResizeTap& vy = ty[static_cast<std::size_t>(oy)];
      const float* r0 = xp + vy.lo * W;
      const float* r1 = xp + vy.hi * W;
      for (std::int64_t ox = 0; ox < OW; ++ox) {
        const ResizeTap& vx = tx[static_cast<std::size_t>(ox)];
        const double top = r0[vx.lo] + (static_cast<double>(r0[vx.hi]) - r0[vx.lo]) * vx.frac;
        const double bot = r1[vx.lo] + (static_cast<double>(r1[vx.hi]) - r1[vx.lo]) * vx.frac;
        yp[oy * OW + ox] = static_cast<float>(top + (bot - top) * vy.frac);
      }
    }
  }
  return out;
}

}  // namespace eb::ref::detail
