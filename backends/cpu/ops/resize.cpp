// resize_bilinear. Half-pixel centres (the default) is exactly oneDNN's linear
// resampling: src = (dst + 0.5)·in/out − 0.5, edge samples repeated outside the input,
// in any layout. align_corners and the TF1 legacy mapping have no oneDNN equivalent and
// run as a host loop over dense data with taps precomputed at compile time.
#include <algorithm>
#include <cmath>
#include <vector>

#include "core/resize_taps.h"
#include "backends/cpu/ops/ops.h"

namespace eb::cpu {

using dnnl::memory;

namespace {

struct Tap {
  std::int64_t lo = 0, hi = 0;
  float frac = 0;  // weight of hi
};

// The reference kernel's mapping (core/resize_taps.h), its weights rounded to float once.
std::vector<Tap> taps(const ResizeAttrs& a, std::int64_t in, std::int64_t out) {
  std::vector<Tap> t;
  for (const ResizeTap& r : resize_taps(a, in, out)) t.push_back({r.lo, r.hi, static_cast<float>(r.frac)});
  return t;
}

void lower_host_resize(Builder& b, const Node& node) {
  const auto& a = node.attr<ResizeAttrs>();
  const Shape& xs = b.shape(node.inputs[0]);
  const Value src = b.plain(node.inputs[0]);
  const Value dst = b.fresh(Builder::plain_desc(b.shape(node.name)));
  const std::int64_t planes = xs[0] * xs[1], H = xs[2], W = xs[3], OH = a.out_h, OW = a.out_w;
  auto ty = taps(a, H, OH), tx = taps(a, W, OW);
  b.add_step({node.name, "resize_bilinear", {src, dst}, [=](const Binding& bind) -> Runner {
                const auto* x = reinterpret_cast<const float*>(bind.address(src));
                auto* y = reinterpret_cast<float*>(bind.address(dst));
                return [=](const RunEnv&) {
#pragma omp parallel for
                  for (std::int64_t p = 0; p < planes; ++p) {
                    const float* xp = x + p * H * W;
                    float* yp = y + p * OH * OW;
                    for (std::int64_t oy = 0; oy < OH; ++oy) {
                      const Tap& vy = ty[static_cast<std::size_t>(oy)];
                      const float* r0 = xp + vy.lo * W;
                      const float* r1 = xp + vy.hi * W;
                      for (std::int64_t ox = 0; ox < OW; ++ox) {
                        const Tap& vx = tx[static_cast<std::size_t>(ox)];
                        const float top = r0[vx.lo] + (r0[vx.hi] - r0[vx.lo]) * vx.frac;
                        const float bot = r1[vx.lo] + (r1[vx.hi] - r1[vx.lo]) * vx.frac;
                        yp[oy * OW + ox] = top + (bot - top) * vy.frac;
                      }
                    }
                  }
                };
              }});
  b.define(node.name, dst);
}

}  // namespace

void lower_resize_bilinear(Builder& b, const Node& node) {
  const auto& a = node.attr<ResizeAttrs>();
  if (a.align_corners || !a.half_pixel_centers) return lower_host_resize(b, node);
  const Value src = b.value(node.inputs[0]);
  const Shape& ys = b.shape(node.name);
  const md_t dst_any({ys.begin(), ys.end()}, memory::data_type::f32, memory::format_tag::any);
  const dnnl::resampling_forward::primitive_desc pd(
      {dnnl::prop_kind::forward_inference, dnnl::algorithm::resampling_linear, src.md, dst_any}, Builder::base_attr(),
      b.engine());
  const Value dst = b.fresh(pd.dst_desc());
  b.add_primitive(node.name, "resize_bilinear", pd, dnnl::resampling_forward(pd), {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}});
  b.define(node.name, dst);
}

}  // namespace eb::cpu
