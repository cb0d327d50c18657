// conv2d: direct convolution, NCHW, groups (incl. depthwise), stride, dilation,
// asymmetric padding, fused bias, unfolded batch norm and activation.
//
// For a block of output channels, the whole output plane is accumulated in doubles: for
// each (input channel, ky, kx) tap, every valid output row receives w·x along a
// contiguous (stride 1) or strided row of the input. The valid ox range is computed per
// tap, so the inner loop has no bounds tests. (Splitting the plane into cache-sized strips
// was measured and gained nothing: the loop is bound by double-precision arithmetic.)
#include <algorithm>
#include <cmath>
#include <vector>

#include "core/reference/detail.h"
#include "core/reference/kernels.h"

namespace eb::ref::detail {
namespace {

// First and one-past-last output index whose input index o·stride + off lies in [0, len).
std::pair<std::int64_t, std::int64_t> valid_range(std::int64_t off, std::int64_t stride, std::int64_t len,
                                                  std::int64_t out_len) {
  // o·stride + off >= 0  <=>  o >= ceil(-off / stride)
  std::int64_t lo = off >= 0 ? 0 : (-off + stride - 1) / stride;
  // o·stride + off <= len-1  <=>  o <= floor((len-1-off) / stride)
  std::int64_t hi = len - 1 - off < 0 ? 0 : (len - 1 - off) / stride + 1;
  lo = std::min(lo, out_len);
  hi = std::clamp(hi, lo, out_len);
  return {lo, hi};
}

constexpr std::int64_t kBlock = 4;  // output channels sharing each input load

// acc[ox] += w·x[ox·stride] over [lo, hi) for up to kBlock channels at once.
inline void accumulate_row(double* const* acc, const double* w, std::int64_t nb, const float* x, std::int64_t stride,
                           std::int64_t lo, std::int64_t hi) {
  if (nb == kBlock) {
    double* a0 = acc[0];
    double* a1 = acc[1];
    double* a2 = acc[2];
    double* a3 = acc[3];
    if (stride == 1) {  // separate loop so the compiler vectorises the contiguous case
      for (std::int64_t ox = lo; ox < hi; ++ox) {
        const double xv = x[ox];
        a0[ox] += w[0] * xv;
        a1[ox] += w[1] * xv;
        a2[ox] += w[2] * xv;
        a3[ox] += w[3] * xv;
      }
    } else {
      for (std::int64_t ox = lo; ox < hi; ++ox) {
        const double xv = x[ox * stride];
        a0[ox] += w[0] * xv;
        a1[ox] += w[1] * xv;
        a2[ox] += w[2] * xv;
        a3[ox] += w[3] * xv;
      }
    }
    return;
  }
  for (std::int64_t b = 0; b < nb; ++b) {
    double* ab = acc[b];
    const double wb = w[b];
    if (stride == 1)
      for (std::int64_t ox = lo; ox < hi; ++ox) ab[ox] += wb * x[ox];
    else
      for (std::int64_t ox = lo; ox < hi; ++ox) ab[ox] += wb * x[ox * stride];
  }
}

}  // namespace

Tensor conv2d(const Node& node, Inputs in, const Shape& out_shape) {
  const auto& a = node.attr<Conv2dAttrs>();
  const Tensor& xt = *in[0];
  const Tensor& wt = *in[1];
  const std::int64_t N = xt.dim(0), C = xt.dim(1), H = xt.dim(2), W = xt.dim(3);
  const std::int64_t O = wt.dim(0), CG = wt.dim(1), KH = wt.dim(2), KW = wt.dim(3);
  const std::int64_t OH = out_shape[2], OW = out_shape[3];
  const std::int64_t G = a.groups, OG = O / G;
  const std::int64_t SH = a.stride[0], SW = a.stride[1], DH = a.dilation[0], DW = a.dilation[1];
  const std::int64_t PT = a.pad[0], PL = a.pad[1];
  const float* x = xt.data<float>().data();
  const float* w = wt.data<float>().data();
  std::size_t k = 2;
  const float* bias = a.has_bias ? in[k++]->data<float>().data() : nullptr;
  const float* gamma = nullptr;
  const float* beta = nullptr;
  const float* mean = nullptr;
  const float* var = nullptr;
  if (a.has_batch_norm) {
    gamma = in[k]->data<float>().data();
    beta = in[k + 1]->data<float>().data();
    mean = in[k + 2]->data<float>().data();
    var = in[k + 3]->data<float>().data();
  }

  Tensor out(DType::f32, out_shape);
  float* y = out.data<float>().data();
  const std::int64_t plane = OH * OW;
  std::vector<double> acc(static_cast<std::size_t>(kBlock * plane));

  // The valid ox range of each kernel column does not depend on the channel or row.
  std::vector<std::pair<std::int64_t, std::int64_t>> xr(static_cast<std::size_t>(KW));
  for (std::int64_t kx = 0; kx < KW; ++kx) xr[static_cast<std::size_t>(kx)] = valid_range(kx * DW - PL, SW, W, OW);

  for (std::int64_t n = 0; n < N; ++n) {
    for (std::int64_t g = 0; g < G; ++g) {
      for (std::int64_t ob = 0; ob < OG; ob += kBlock) {
        const std::int64_t nb = std::min(kBlock, OG - ob);
        const std::int64_t o0 = g * OG + ob;
        std::fill(acc.begin(), acc.end(), 0.0);
        for (std::int64_t c = 0; c < CG; ++c) {
          const float* xc = x + ((n * C) + g * CG + c) * H * W;
          for (std::int64_t ky = 0; ky < KH; ++ky) {
            const auto [oy_lo, oy_hi] = valid_range(ky * DH - PT, SH, H, OH);
            for (std::int64_t kx = 0; kx < KW; ++kx) {
              const auto [ox_lo, ox_hi] = xr[static_cast<std::size_t>(kx)];
              if (ox_lo >= ox_hi) continue;
              double wv[kBlock] = {};
              for (std::int64_t b = 0; b < nb; ++b) wv[b] = w[(((o0 + b) * CG + c) * KH + ky) * KW + kx];
              for (std::int64_t oy = oy_lo; oy < oy_hi; ++oy) {
                const float* xrow = xc + (oy * SH + ky * DH - PT) * W + (kx * DW - PL);
                double* rows[kBlock];
                for (std::int64_t b = 0; b < kBlock; ++b) rows[b] = acc.data() + b * plane + oy * OW;
                accumulate_row(rows, wv, nb, xrow, SW, ox_lo, ox_hi);
              }
            }
          }
        }
        // Epilogue in double: bias, batch norm (unfolded), activation, one rounding.
        for (std::int64_t b = 0; b < nb; ++b) {
          const std::int64_t o = o0 + b;
          const double bv = bias ? bias[o] : 0.0;
          double scale = 1.0, shift = 0.0;
          if (gamma) {
            scale = static_cast<double>(gamma[o]) / std::sqrt(static_cast<double>(var[o]) + static_cast<double>(a.bn_eps));
            shift = beta[o];
          }
          const double* src = acc.data() + b * plane;
          float* dst = y + (n * O + o) * plane;
          for (std::int64_t i = 0; i < plane; ++i) {
            double v = src[i] + bv;
            if (gamma) v = (v - mean[o]) * scale + shift;
            dst[i] = static_cast<float>(apply_activation(a.act, v));
          }
        }
      }
    }
  }
  return out;
}

}  // namespace eb::ref::detail
