#include "backends/edgetpu/kernels.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace eb::edgetpu {
namespace {

std::int8_t clamp8(std::int32_t v, const ActRange& r) { return static_cast<std::int8_t>(std::clamp(v, r.min, r.max)); }
std::int8_t clamp8(std::int32_t v) { return static_cast<std::int8_t>(std::clamp(v, -128, 127)); }

void check_size(std::size_t got, std::int64_t want, const char* what) {
  if (static_cast<std::int64_t>(got) != want)
    throw std::invalid_argument(std::string("edgetpu kernel: ") + what + " has " + std::to_string(got) + " elements, expected " + std::to_string(want));
}

}  // namespace

std::vector<fx::QuantizedMultiplier> channel_multipliers(float input_scale, std::span<const float> weight_scales, float output_scale) {
  std::vector<fx::QuantizedMultiplier> m;
  m.reserve(weight_scales.size());
  for (float ws : weight_scales)
    m.push_back(fx::quantize_multiplier(static_cast<double>(input_scale) * static_cast<double>(ws) / static_cast<double>(output_scale)));
  return m;
}

void conv2d_int8(std::span<const std::int8_t> x, const Shape& xs, std::span<const std::int8_t> w, const Shape& ws,
                 std::span<const std::int32_t> bias, const Conv2dAttrs& a, const ConvQuant& q, std::span<std::int8_t> y,
                 const Shape& ys) {
  const std::int64_t n = xs[0], c = xs[1], h = xs[2], wd = xs[3];
  const std::int64_t o = ws[0], icpg = ws[1], kh = ws[2], kw = ws[3];
  const std::int64_t oh = ys[2], ow = ys[3];
  const std::int64_t groups = a.groups, ocpg = o / groups;
  check_size(x.size(), n * c * h * wd, "conv input");
  check_size(w.size(), o * icpg * kh * kw, "conv weight");
  check_size(y.size(), n * o * oh * ow, "conv output");
  if (static_cast<std::int64_t>(q.multipliers.size()) != o) throw std::invalid_argument("edgetpu kernel: conv needs one multiplier per output channel");
  const int sh = a.stride[0], sw = a.stride[1], dh = a.dilation[0], dw = a.dilation[1];
  const std::int64_t pt = a.pad[0], pl = a.pad[1];
  // The input minus its zero point, padded with zeros (TFLite pads with the zero point,
  // which contributes (zp − zp)·w = 0), wide enough for every tap of every output.
  const std::int64_t hp = std::max(h + pt, (oh - 1) * sh + (kh - 1) * dh + 1);
  const std::int64_t wp = std::max(wd + pl, (ow - 1) * sw + (kw - 1) * dw + 1);
  std::vector<std::int32_t> padded(static_cast<std::size_t>(c * hp * wp));
  std::vector<std::int32_t> acc(static_cast<std::size_t>(oh * ow));
  for (std::int64_t b = 0; b < n; ++b) {
    std::fill(padded.begin(), padded.end(), 0);
    for (std::int64_t ch = 0; ch < c; ++ch)
      for (std::int64_t r = 0; r < h; ++r) {
        const std::int8_t* src = x.data() + ((b * c + ch) * h + r) * wd;
        std::int32_t* dst = padded.data() + (ch * hp + r + pt) * wp + pl;
        for (std::int64_t col = 0; col < wd; ++col) dst[col] = static_cast<std::int32_t>(src[col]) - q.input_zero_point;
      }
    for (std::int64_t g = 0; g < groups; ++g)
      for (std::int64_t j = 0; j < ocpg; ++j) {
        const std::int64_t oc = g * ocpg + j;
        std::fill(acc.begin(), acc.end(), bias.empty() ? 0 : bias[static_cast<std::size_t>(oc)]);
        for (std::int64_t ci = 0; ci < icpg; ++ci) {
          const std::int32_t* plane = padded.data() + (g * icpg + ci) * hp * wp;
          for (std::int64_t ky = 0; ky < kh; ++ky)
            for (std::int64_t kx = 0; kx < kw; ++kx) {
              const std::int32_t wv = w[static_cast<std::size_t>(((oc * icpg + ci) * kh + ky) * kw + kx)];
              if (wv == 0) continue;
              for (std::int64_t r = 0; r < oh; ++r) {
                const std::int32_t* row = plane + (r * sh + ky * dh) * wp + kx * dw;
                std::int32_t* out = acc.data() + r * ow;
                if (sw == 1)
                  for (std::int64_t col = 0; col < ow; ++col) out[col] += wv * row[col];
                else
                  for (std::int64_t col = 0; col < ow; ++col) out[col] += wv * row[col * sw];
              }
            }
        }
        const fx::QuantizedMultiplier m = q.multipliers[static_cast<std::size_t>(oc)];
        std::int8_t* dst = y.data() + (b * o + oc) * oh * ow;
        for (std::int64_t p = 0; p < oh * ow; ++p)
          dst[p] = clamp8(fx::multiply_by_quantized_multiplier(acc[static_cast<std::size_t>(p)], m) + q.output_zero_point, q.clamp);
      }
  }
}

void linear_int8(std::span<const std::int8_t> x, std::int64_t m, std::int64_t k, std::span<const std::int8_t> w, std::int64_t n,
                 std::span<const std::int32_t> bias, const ConvQuant& q, std::span<std::int8_t> y) {
  check_size(x.size(), m * k, "linear input");
  check_size(w.size(), n * k, "linear weight");
  check_size(y.size(), m * n, "linear output");
  std::vector<std::int32_t> xr(static_cast<std::size_t>(k)), wr(static_cast<std::size_t>(n * k));
  for (std::size_t i = 0; i < wr.size(); ++i) wr[i] = w[i];
  for (std::int64_t r = 0; r < m; ++r) {
    for (std::int64_t i = 0; i < k; ++i) xr[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(x[static_cast<std::size_t>(r * k + i)]) - q.input_zero_point;
    for (std::int64_t col = 0; col < n; ++col) {
      const std::int32_t* wrow = wr.data() + col * k;
      std::int32_t acc = 0;
      for (std::int64_t i = 0; i < k; ++i) acc += xr[static_cast<std::size_t>(i)] * wrow[i];
      if (!bias.empty()) acc += bias[static_cast<std::size_t>(col)];
      y[static_cast<std::size_t>(r * n + col)] =
          clamp8(fx::multiply_by_quantized_multiplier(acc, q.multipliers[static_cast<std::size_t>(col)]) + q.output_zero_point, q.clamp);
    }
  }
}

std::vector<std::int64_t> broadcast_index(const Shape& in, const Shape& out) {
  if (in.size() > out.size()) throw std::invalid_argument("edgetpu kernel: cannot broadcast " + to_string(in) + " to " + to_string(out));
  const std::size_t rank = out.size();
  Shape src(rank, 1);
  std::copy(in.begin(), in.end(), src.begin() + static_cast<std::ptrdiff_t>(rank - in.size()));
  std::vector<std::int64_t> stride(rank, 0);
  std::int64_t s = 1;
  for (std::size_t d = rank; d-- > 0;) {
    if (src[d] != 1 && src[d] != out[d]) throw std::invalid_argument("edgetpu kernel: cannot broadcast " + to_string(in) + " to " + to_string(out));
    stride[d] = src[d] == 1 ? 0 : s;
    s *= src[d];
  }
  std::vector<std::int64_t> idx(static_cast<std::size_t>(numel(out)));
  std::vector<std::int64_t> pos(rank, 0);
  std::int64_t cur = 0;
  for (std::size_t i = 0; i < idx.size(); ++i) {
    idx[i] = cur;
    for (std::size_t d = rank; d-- > 0;) {  // odometer step
      ++pos[d];
      cur += stride[d];
      if (pos[d] < out[d]) break;
      cur -= stride[d] * pos[d];
      pos[d] = 0;
    }
  }
  return idx;
}

AddQuant prepare_add(QParams a, QParams b, QParams out) {
  AddQuant q;
  q.a_offset = -a.zero_point;
  q.b_offset = -b.zero_point;
  q.out_offset = out.zero_point;
  q.left_shift = 20;
  const double twice_max = 2.0 * std::max(static_cast<double>(a.scale), static_cast<double>(b.scale));
  q.a_mult = fx::quantize_multiplier(static_cast<double>(a.scale) / twice_max);
  q.b_mult = fx::quantize_multiplier(static_cast<double>(b.scale) / twice_max);
  q.out_mult = fx::quantize_multiplier(twice_max / (static_cast<double>(1 << q.left_shift) * static_cast<double>(out.scale)));
  return q;
}

void add_int8(std::span<const std::int8_t> a, std::span<const std::int64_t> ai, std::span<const std::int8_t> b,
              std::span<const std::int64_t> bi, const AddQuant& q, std::span<std::int8_t> y) {
  check_size(ai.size(), static_cast<std::int64_t>(y.size()), "add index");
  check_size(bi.size(), static_cast<std::int64_t>(y.size()), "add index");
  for (std::size_t i = 0; i < y.size(); ++i) {
    const std::int32_t av = (q.a_offset + a[static_cast<std::size_t>(ai[i])]) * (1 << q.left_shift);
    const std::int32_t bv = (q.b_offset + b[static_cast<std::size_t>(bi[i])]) * (1 << q.left_shift);
    const std::int32_t sum = fx::multiply_by_quantized_multiplier(av, q.a_mult) + fx::multiply_by_quantized_multiplier(bv, q.b_mult);
    y[i] = clamp8(fx::multiply_by_quantized_multiplier(sum, q.out_mult) + q.out_offset, q.clamp);
  }
}

MulQuant prepare_mul(QParams a, QParams b, QParams out) {
  MulQuant q;
  q.a_offset = -a.zero_point;
  q.b_offset = -b.zero_point;
  q.out_offset = out.zero_point;
  q.mult = fx::quantize_multiplier(static_cast<double>(a.scale) * static_cast<double>(b.scale) / static_cast<double>(out.scale));
  return q;
}

void mul_int8(std::span<const std::int8_t> a, std::span<const std::int64_t> ai, std::span<const std::int8_t> b,
              std::span<const std::int64_t> bi, const MulQuant& q, std::span<std::int8_t> y) {
  check_size(ai.size(), static_cast<std::int64_t>(y.size()), "mul index");
  check_size(bi.size(), static_cast<std::int64_t>(y.size()), "mul index");
  for (std::size_t i = 0; i < y.size(); ++i) {
    const std::int32_t prod = (q.a_offset + a[static_cast<std::size_t>(ai[i])]) * (q.b_offset + b[static_cast<std::size_t>(bi[i])]);
    y[i] = clamp8(fx::multiply_by_quantized_multiplier(prod, q.mult) + q.out_offset, q.clamp);
  }
}

void requantize_int8(std::span<const std::int8_t> x, QParams in, QParams out, std::span<std::int8_t> y) {
  check_size(y.size(), static_cast<std::int64_t>(x.size()), "requantize output");
  if (in == out) {
    std::copy(x.begin(), x.end(), y.begin());
    return;
  }
  const auto m = fx::quantize_multiplier(static_cast<double>(in.scale) / static_cast<double>(out.scale));
  for (std::size_t i = 0; i < x.size(); ++i)
    y[i] = clamp8(fx::multiply_by_quantized_multiplier(static_cast<std::int32_t>(x[i]) - in.zero_point, m) + out.zero_point);
}

void global_avg_pool_int8(std::span<const std::int8_t> x, std::int64_t planes, std::int64_t plane, std::span<std::int8_t> y) {
  check_size(x.size(), planes * plane, "average-pool input");
  check_size(y.size(), planes, "average-pool output");
  const auto count = static_cast<std::int32_t>(plane);
  for (std::int64_t p = 0; p < planes; ++p) {
    std::int32_t acc = 0;
    for (std::int64_t i = 0; i < plane; ++i) acc += x[static_cast<std::size_t>(p * plane + i)];
    acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
    y[static_cast<std::size_t>(p)] = clamp8(acc);
  }
}

HardSwishQuant prepare_hardswish(QParams in, QParams out) {
  HardSwishQuant q;
  q.input_zero_point = in.zero_point;
  q.output_zero_point = out.zero_point;
  const float hires_input_scale = (1.0f / 128.0f) * in.scale;
  const float reluish_scale = 3.0f / 32768.0f;
  const auto om = fx::quantize_multiplier(static_cast<double>(hires_input_scale / out.scale));
  q.output_multiplier = fx::downscale_multiplier_to_int16(om.multiplier);
  q.output_exponent = om.shift;
  if (q.output_exponent > 0)
    throw std::invalid_argument("edgetpu: hard-swish output scale " + std::to_string(out.scale) + " is too small for input scale " + std::to_string(in.scale));
  const auto rm = fx::quantize_multiplier(static_cast<double>(hires_input_scale / reluish_scale));
  q.reluish_multiplier = fx::downscale_multiplier_to_int16(rm.multiplier);
  q.reluish_exponent = rm.shift;
  return q;
}

void hardswish_int8(std::span<const std::int8_t> x, const HardSwishQuant& q, std::span<std::int8_t> y) {
  check_size(y.size(), static_cast<std::int64_t>(x.size()), "hard-swish output");
  for (std::size_t i = 0; i < x.size(); ++i) {
    const auto in = static_cast<std::int16_t>(x[i] - q.input_zero_point);
    const auto hires = static_cast<std::int16_t>(in * (1 << 7));
    const std::int16_t preshift_out = fx::saturating_rounding_doubling_high_mul(hires, q.output_multiplier);
    // The "relu-ish" factor relu6(x+3)/6 as int16 fixed point: x rescaled so that 3.0 is
    // 2^15, saturated to [−1, 1], then mapped to [0, 1].
    std::int16_t reluish = hires;
    if (q.reluish_exponent > 0) reluish = fx::saturating_left_shift(reluish, q.reluish_exponent - 1);
    reluish = fx::saturating_rounding_doubling_high_mul(reluish, q.reluish_multiplier);
    if (q.reluish_exponent > 0) reluish = fx::saturating_left_shift(reluish, 1);
    if (q.reluish_exponent < 0) reluish = fx::rounding_divide_by_pot(reluish, -q.reluish_exponent);
    reluish = static_cast<std::int16_t>((static_cast<std::int32_t>(reluish) + (1 << 15)) >> 1);
    const std::int16_t pre = fx::saturating_doubling_high_mul(reluish, preshift_out);
    std::int32_t out = fx::rounding_divide_by_pot(pre, -q.output_exponent);
    out += q.output_zero_point;
    y[i] = clamp8(out);
  }
}

Lut make_lut(const std::function<double(double)>& f, QParams in, QParams out) {
  Lut lut{};
  const float inverse_scale = 1.0f / out.scale;
  for (std::int32_t v = -128; v <= 127; ++v) {
    const float deq = in.scale * static_cast<float>(v - in.zero_point);
    const auto transformed = static_cast<float>(f(static_cast<double>(deq)));
    const float rescaled = std::round(transformed * inverse_scale);
    const auto qv = static_cast<std::int32_t>(rescaled + static_cast<float>(out.zero_point));
    lut[static_cast<std::size_t>(v + 128)] = clamp8(qv);
  }
  return lut;
}

void lut_int8(std::span<const std::int8_t> x, const Lut& lut, std::span<std::int8_t> y) {
  check_size(y.size(), static_cast<std::int64_t>(x.size()), "table output");
  for (std::size_t i = 0; i < x.size(); ++i) y[i] = lut[static_cast<std::size_t>(x[i] + 128)];
}

void relu_int8(std::span<const std::int8_t> x, QParams in, QParams out, float hi, bool has_hi, std::span<std::int8_t> y) {
  check_size(y.size(), static_cast<std::int64_t>(x.size()), "relu output");
  ActRange r;
  r.min = std::max(-128, out.zero_point + static_cast<std::int32_t>(std::round(0.0f / out.scale)));
  r.max = has_hi ? std::min(127, out.zero_point + static_cast<std::int32_t>(std::round(hi / out.scale))) : 127;
  const auto m = fx::quantize_multiplier(static_cast<double>(in.scale) / static_cast<double>(out.scale));
  for (std::size_t i = 0; i < x.size(); ++i)
    y[i] = clamp8(out.zero_point + fx::multiply_by_quantized_multiplier(static_cast<std::int32_t>(x[i]) - in.zero_point, m), r);
}

namespace {

void interpolation_values(std::int32_t value, std::int32_t scale_10, bool half_pixel, std::int32_t size, std::int32_t& scaled,
                          std::int32_t& lower, std::int32_t& upper) {
  scaled = half_pixel ? value * scale_10 + scale_10 / 2 - (1 << 9) : value * scale_10;
  lower = std::max(scaled / (1 << 10), 0);
  upper = std::min((scaled + (1 << 10) - 1) / (1 << 10), size - 1);
}

}  // namespace

void resize_bilinear_int8(std::span<const std::int8_t> x, const Shape& xs, const ResizeAttrs& a, std::span<std::int8_t> y) {
  const auto n = xs[0], c = xs[1];
  const auto ih = static_cast<std::int32_t>(xs[2]), iw = static_cast<std::int32_t>(xs[3]);
  const auto oh = static_cast<std::int32_t>(a.out_h), ow = static_cast<std::int32_t>(a.out_w);
  check_size(x.size(), n * c * ih * iw, "resize input");
  check_size(y.size(), n * c * oh * ow, "resize output");
  std::int32_t hs = ((1 << 10) * ih + oh / 2) / oh;
  std::int32_t ws = ((1 << 10) * iw + ow / 2) / ow;
  if (a.align_corners && oh > 1) hs = ((1 << 10) * (ih - 1) + (oh - 1) / 2) / (oh - 1);
  if (a.align_corners && ow > 1) ws = ((1 << 10) * (iw - 1) + (ow - 1) / 2) / (ow - 1);
  const bool half = a.half_pixel_centers && !a.align_corners;
  for (std::int64_t p = 0; p < n * c; ++p) {
    const std::int8_t* src = x.data() + p * ih * iw;
    std::int8_t* dst = y.data() + p * oh * ow;
    for (std::int32_t r = 0; r < oh; ++r) {
      std::int32_t iy, y0, y1;
      interpolation_values(r, hs, half, ih, iy, y0, y1);
      for (std::int32_t col = 0; col < ow; ++col) {
        std::int32_t ix, x0, x1;
        interpolation_values(col, ws, half, iw, ix, x0, x1);
        const std::int64_t fy = iy - (1 << 10) * y0, fx_ = ix - (1 << 10) * x0;
        const std::int64_t v = static_cast<std::int64_t>(src[y0 * iw + x0]) * ((1 << 10) - fy) * ((1 << 10) - fx_) +
                               static_cast<std::int64_t>(src[y1 * iw + x0]) * fy * ((1 << 10) - fx_) +
                               static_cast<std::int64_t>(src[y0 * iw + x1]) * ((1 << 10) - fy) * fx_ +
                               static_cast<std::int64_t>(src[y1 * iw + x1]) * fy * fx_;
        const std::int64_t round = v > 0 ? (1 << 19) : -(1 << 19);
        dst[r * ow + col] = static_cast<std::int8_t>((v + round) / (1 << 20));
      }
    }
  }
}

}  // namespace eb::edgetpu
