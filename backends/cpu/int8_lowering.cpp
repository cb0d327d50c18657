#include "backends/cpu/int8_lowering.h"

#include <algorithm>
#include <array>
#include <numeric>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "backends/cpu/int8_tables.h"
#include "backends/cpu/layouts.h"
#include "backends/edgetpu/fixed_point.h"
#include "backends/edgetpu/kernels.h"
#include "core/reference/kernels.h"

namespace eb::cpu {
namespace {

using dnnl::memory;
using edgetpu::LoweredOp;
using edgetpu::QParams;
using edgetpu::QTensor;
constexpr auto s8 = memory::data_type::s8;
constexpr auto s32 = memory::data_type::s32;

// As the fp32 convolutions (ops/conv.cpp): below this many multiply-accumulates a
// convolution runs on one thread, since the fork-join costs more than the split saves.
constexpr std::int64_t kSerialConvMacs = 128 * 1024;

md_t plain_s8(const Shape& s) { return Builder::plain_desc(s, s8); }

std::int8_t clamp8(std::int32_t v) { return static_cast<std::int8_t>(std::clamp(v, -128, 127)); }

template <class T>
std::span<const std::byte> bytes_of(const std::vector<T>& v) {
  return std::as_bytes(std::span<const T>(v));
}

class Lowerer {
 public:
  Lowerer(Builder& b, const edgetpu::QuantizedProgram& qp, Int8Requantize requantize)
      : b_(b), qp_(qp), exact_(requantize == Int8Requantize::tflite) {}

  void input(const std::string& name) {
    const QTensor& t = qp_.tensor(name);
    const Value x = b_.value(name);
    const Value y = b_.fresh(plain_s8(t.shape));
    const auto n = static_cast<std::size_t>(numel(t.shape));
    b_.add_step({name, "int8/quantize", {x, y}, [x, y, n, q = t.q](const Binding& bd) -> Runner {
                   const auto* xp = reinterpret_cast<const float*>(bd.address(x));
                   auto* yp = reinterpret_cast<std::int8_t*>(bd.address(y));
                   return [xp, yp, n, q](const RunEnv&) {
                     split(static_cast<std::int64_t>(n), [&](std::int64_t lo, std::int64_t hi) {
                       for (std::int64_t k = lo; k < hi; ++k) yp[k] = edgetpu::quantize_value(xp[k], q);
                     });
                   };
                 }});
    ++host_["quantize"];
    b_.define(key(name), y);
  }

  void output(const std::string& name) {
    const QTensor& t = qp_.tensor(name);
    const Value x = plain(name);
    const Value y = b_.fresh(Builder::plain_desc(t.shape));
    const auto n = static_cast<std::size_t>(numel(t.shape));
    b_.add_step({name, "int8/dequantize", {x, y}, [x, y, n, q = t.q](const Binding& bd) -> Runner {
                   const auto* xp = reinterpret_cast<const std::int8_t*>(bd.address(x));
                   auto* yp = reinterpret_cast<float*>(bd.address(y));
                   return [xp, yp, n, q](const RunEnv&) {
                     split(static_cast<std::int64_t>(n), [&](std::int64_t lo, std::int64_t hi) {
                       for (std::int64_t k = lo; k < hi; ++k) yp[k] = edgetpu::dequantize_value(xp[k], q);
                     });
                   };
                 }});
    ++host_["dequantize"];
    b_.define(name, y);
  }

  void lower(const LoweredOp& op) {
    using K = LoweredOp::Kind;
    switch (op.kind) {
      case K::conv2d: return conv2d(op);
      case K::linear: return linear(op);
      case K::hardswish: {
        const auto q = edgetpu::prepare_hardswish(t(op.inputs[0]).q, t(op.output).q);
        return unary(op, "hardswish", [q](auto x, auto y) { edgetpu::hardswish_int8(x, q, y); });
      }
      case K::logistic:
      case K::hardsigmoid: {
        const Activation act = op.kind == K::logistic ? Activation::sigmoid : Activation::hardsigmoid;
        const auto lut = edgetpu::make_lut([act](double v) { return ref::apply_activation(act, v); }, t(op.inputs[0]).q,
                                           t(op.output).q);
        return unary(op, op.kind == K::logistic ? "logistic" : "hardsigmoid",
                     [lut](auto x, auto y) { edgetpu::lut_int8(x, lut, y); });
      }
      case K::relu:
      case K::relu6: {
        const bool six = op.kind == K::relu6;
        return unary(op, six ? "relu6" : "relu", [in = t(op.inputs[0]).q, out = t(op.output).q, six](auto x, auto y) {
          edgetpu::relu_int8(x, in, out, 6.0f, six, y);
        });
      }
      case K::requantize:
        return unary(op, "requantize", [in = t(op.inputs[0]).q, out = t(op.output).q](auto x, auto y) {
          edgetpu::requantize_int8(x, in, out, y);
        });
      case K::add:
      case K::mul: return binary(op);
      case K::concat: return concat(op);
      case K::reshape: return define(op.output, plain(op.inputs[0]).viewed(plain_s8(t(op.output).shape)));
      case K::transpose: return transpose(op);
      case K::slice: return slice(op);
      case K::global_avg_pool: return global_avg_pool(op);
      case K::resize_bilinear: return resize_bilinear(op);
    }
    throw std::invalid_argument("cpu backend int8: step of node '" + op.node + "' has no lowering");
  }

  std::map<std::string, std::string> info() const {
    const auto list = [](const std::map<std::string, int>& m) {
      std::string s;
      for (const auto& [k, n] : m) s += (s.empty() ? "" : ", ") + fmt::format("{} x{}", k, n);
      return s.empty() ? std::string("none") : s;
    };
    return {{"cpu.int8.onednn_ops", list(onednn_)},
            {"cpu.int8.host_ops", list(host_) + " (TFLite integer kernels of the edgetpu backend, bit-exact with it)"},
            {"cpu.int8.fp32_ops", "none"}};
  }

 private:
  static std::string key(const std::string& tensor) { return "int8:" + tensor; }
  const QTensor& t(const std::string& name) const { return qp_.tensor(name); }

  // The tensor as its producer left it (a per-tensor int8 constant: dense row-major).
  Value val(const std::string& name) {
    if (!b_.has_value(key(name))) {
      const QTensor& c = t(name);
      if (!c.constant) throw std::logic_error("cpu backend int8: tensor '" + name + "' used before it is computed");
      const md_t md = plain_s8(c.shape);
      b_.define(key(name), b_.constant(bytes_of(c.data), md, md));
    }
    return b_.value(key(name));
  }
  Value plain(const std::string& name) {
    (void)val(name);
    return b_.as(key(name), plain_s8(t(name).shape));
  }
  void define(const std::string& name, const Value& v) { b_.define(key(name), v); }

  // An element-wise host step: the output keeps the input's (dense) layout; the step looks
  // up the kernel's table (int8_tables.h).
  void unary(const LoweredOp& op, const std::string& what, const UnaryKernel& kernel) {
    const Value x = val(op.inputs[0]);
    (void)strides_of(x.md);
    const Value y = b_.fresh(x.md);
    const auto n = static_cast<std::int64_t>(numel(t(op.output).shape));
    const Int8Table table = tabulate(kernel);
    b_.add_step({op.node, "int8/" + what, {x, y}, [x, y, n, table](const Binding& bd) -> Runner {
                   const auto* xp = reinterpret_cast<const std::int8_t*>(bd.address(x));
                   auto* yp = reinterpret_cast<std::int8_t*>(bd.address(y));
                   return [xp, yp, n, table](const RunEnv&) {
                     split(n, [&](std::int64_t lo, std::int64_t hi) {
                       for (std::int64_t i = lo; i < hi; ++i) yp[i] = table[static_cast<std::size_t>(xp[i] + 128)];
                     });
                   };
                 }});
    ++host_[what];
    define(op.output, y);
  }

  void binary(const LoweredOp& op) {
    const bool add = op.kind == LoweredOp::Kind::add;
    const QTensor &ta = t(op.inputs[0]), &tb = t(op.inputs[1]), &ty = t(op.output);
    Value a = val(op.inputs[0]), bv = val(op.inputs[1]);
    // The output takes the layout of a full-size operand (a convolution's nhwc), and the
    // other full-size operand is brought to it; broadcast operands are read where they lie.
    md_t y_md = plain_s8(ty.shape);
    if (ta.shape == ty.shape) y_md = a.md;
    else if (tb.shape == ty.shape) y_md = bv.md;
    if (ta.shape == ty.shape && a.md != y_md) a = b_.as(key(op.inputs[0]), y_md);
    if (tb.shape == ty.shape && bv.md != y_md) bv = b_.as(key(op.inputs[1]), y_md);
    auto idx = std::make_shared<BroadcastIndex>(broadcast_index(ty.shape, y_md, ta.shape, a.md, tb.shape, bv.md));
    const Value y = b_.fresh(y_md);
    const auto ny = static_cast<std::int64_t>(numel(ty.shape));
    // The result depends on the two input values alone (int8_tables.h).
    const QParams qa = ta.q, qb = tb.q, qy = ty.q;
    auto table = std::make_shared<const std::vector<std::int8_t>>(tabulate_pairs(
        add ? PairKernel([&](auto a8, auto ai, auto b8, auto bi, auto y8) {
          edgetpu::add_int8(a8, ai, b8, bi, edgetpu::prepare_add(qa, qb, qy), y8);
        })
            : PairKernel([&](auto a8, auto ai, auto b8, auto bi, auto y8) {
                edgetpu::mul_int8(a8, ai, b8, bi, edgetpu::prepare_mul(qa, qb, qy), y8);
              })));
    b_.add_step({op.node, add ? "int8/add" : "int8/mul", {a, bv, y}, [a, bv, y, idx, table, ny](const Binding& bd) -> Runner {
                   const auto* ap = reinterpret_cast<const std::int8_t*>(bd.address(a));
                   const auto* bp = reinterpret_cast<const std::int8_t*>(bd.address(bv));
                   auto* yp = reinterpret_cast<std::int8_t*>(bd.address(y));
                   return [ap, bp, yp, idx, table, ny](const RunEnv&) {
                     const std::int8_t* tp = table->data();
                     const std::int64_t* ai = idx->a.empty() ? nullptr : idx->a.data();
                     const std::int64_t* bi = idx->b.empty() ? nullptr : idx->b.data();
                     const std::int64_t period = idx->a_period ? idx->a_period : idx->b_period;
                     if ((idx->a_period != 0) != (idx->b_period != 0) && !ai && !bi) {  // one operand per channel: row by row
                       const bool gate_b = idx->b_period != 0;
                       split(ny / period, [&](std::int64_t lo, std::int64_t hi) {
                         for (std::int64_t r = lo; r < hi; ++r) {
                           const std::int64_t at = r * period, gate = (at / idx->block) * period;
                           const std::int8_t* pa = gate_b ? ap + at : ap + gate;
                           const std::int8_t* pb = gate_b ? bp + gate : bp + at;
                           for (std::int64_t c = 0; c < period; ++c) yp[at + c] = tp[((pa[c] + 128) << 8) | (pb[c] + 128)];
                         }
                       });
                       return;
                     }
                     split(ny, [&](std::int64_t lo, std::int64_t hi) {
                       for (std::int64_t i = lo; i < hi; ++i) {
                         const int va = ap[ai ? ai[i] : i] + 128, vb = bp[bi ? bi[i] : i] + 128;
                         yp[i] = tp[(va << 8) | vb];
                       }
                     });
                   };
                 }});
    ++host_[add ? "add" : "mul"];
    define(op.output, y);
  }

  void concat(const LoweredOp& op) {
    const Shape& ys = t(op.output).shape;
    const auto& a = std::get<ConcatAttrs>(op.attrs);
    const int axis = a.axis < 0 ? a.axis + static_cast<int>(ys.size()) : a.axis;
    std::vector<Value> srcs;
    std::vector<md_t> mds;
    for (const auto& in : op.inputs) {
      srcs.push_back(val(in));
      mds.push_back(srcs.back().md);
    }
    // Inputs that agree on row-major or channels-last keep it; otherwise the output is row-major.
    const auto first = dense_tag(mds.front());
    const bool same = std::all_of(mds.begin(), mds.end(), [&](const md_t& md) { return dense_tag(md) == first; });
    const bool keep = same && first.has_value() && (is_plain(mds.front()) || first.value() == memory::format_tag::acdb);
    const md_t dst_md = keep ? md_t({ys.begin(), ys.end()}, s8, first.value()) : plain_s8(ys);
    const dnnl::concat::primitive_desc pd(dst_md, axis, mds, b_.engine(), Builder::base_attr());
    const Value dst = b_.fresh(dst_md);
    Args args{{DNNL_ARG_DST, dst}};
    for (std::size_t i = 0; i < srcs.size(); ++i) args.emplace_back(DNNL_ARG_MULTIPLE_SRC + static_cast<int>(i), srcs[i]);
    b_.add_primitive(op.node, "int8/concat", pd, dnnl::concat(pd), std::move(args));
    ++onednn_["concat"];
    define(op.output, dst);
  }

  void transpose(const LoweredOp& op) {
    const md_t out_md = plain_s8(t(op.output).shape);
    const md_t target = out_md.permute_axes(std::get<TransposeAttrs>(op.attrs).perm);
    const Value in = val(op.inputs[0]);
    if (in.md == target) return define(op.output, in.viewed(out_md));  // an nhwc producer read as NHWC
    ++onednn_["transpose"];
    define(op.output, b_.convert(in, target, op.node, "int8/transpose").viewed(out_md));
  }

  void slice(const LoweredOp& op) {
    const auto& a = std::get<SliceAttrs>(op.attrs);
    const Value src = plain(op.inputs[0]);
    const Shape& ys = t(op.output).shape;
    const int axis = a.axis < 0 ? a.axis + static_cast<int>(ys.size()) : a.axis;
    const std::int64_t len = t(op.inputs[0]).shape[static_cast<std::size_t>(axis)];
    memory::dims offsets(ys.size(), 0);
    offsets[static_cast<std::size_t>(axis)] = ys[static_cast<std::size_t>(axis)] == 0 ? 0 : (a.start < 0 ? a.start + len : a.start);
    const md_t view = src.md.submemory_desc({ys.begin(), ys.end()}, offsets);
    if (std::all_of(ys.begin(), ys.begin() + axis, [](std::int64_t d) { return d == 1; }))
      return define(op.output, src.viewed(plain_s8(ys), static_cast<std::size_t>(view.data.offset0)));
    ++onednn_["slice"];
    define(op.output, b_.convert(src.viewed(view), plain_s8(ys), op.node, "int8/slice"));
  }

  // TFLite's average (Σx ± n/2)/n over each channel's plane, from row-major or nhwc input.
  void global_avg_pool(const LoweredOp& op) {
    const Shape& xs = t(op.inputs[0]).shape;
    Value x = val(op.inputs[0]);
    const bool nhwc = xs.size() == 4 && dense_tag(x.md) == memory::format_tag::acdb;
    if (!nhwc) x = plain(op.inputs[0]);
    const Value y = b_.fresh(plain_s8(t(op.output).shape));
    const std::int64_t n = xs[0], c = xs[1], plane = numel(xs) / (n * c);
    b_.add_step({op.node, "int8/global_avg_pool", {x, y}, [x, y, n, c, plane, nhwc](const Binding& bd) -> Runner {
                   const auto* xp = reinterpret_cast<const std::int8_t*>(bd.address(x));
                   auto* yp = reinterpret_cast<std::int8_t*>(bd.address(y));
                   if (!nhwc)
                     return [xp, yp, n, c, plane](const RunEnv&) {
                       const auto planes = static_cast<std::size_t>(n * c);
                       edgetpu::global_avg_pool_int8({xp, planes * static_cast<std::size_t>(plane)}, n * c, plane,
                                                     {yp, planes});
                     };
                   return [xp, yp, n, c, plane](const RunEnv&) {
                     std::vector<std::int32_t> acc(static_cast<std::size_t>(c));
                     const auto count = static_cast<std::int32_t>(plane);
                     for (std::int64_t i = 0; i < n; ++i) {
                       std::fill(acc.begin(), acc.end(), 0);
                       const std::int8_t* img = xp + i * plane * c;
                       for (std::int64_t p = 0; p < plane; ++p)
                         for (std::int64_t ch = 0; ch < c; ++ch) acc[static_cast<std::size_t>(ch)] += img[p * c + ch];
                       for (std::int64_t ch = 0; ch < c; ++ch) {
                         const std::int32_t s = acc[static_cast<std::size_t>(ch)];
                         yp[i * c + ch] = clamp8(s > 0 ? (s + count / 2) / count : (s - count / 2) / count);
                       }
                     }
                   };
                 }});
    ++host_["global_avg_pool"];
    define(op.output, y);
  }

  void resize_bilinear(const LoweredOp& op) {
    const Shape xs = t(op.inputs[0]).shape, ys = t(op.output).shape;
    const Value x = plain(op.inputs[0]);
    const Value y = b_.fresh(plain_s8(ys));
    const auto attrs = std::get<ResizeAttrs>(op.attrs);
    const auto nx = static_cast<std::size_t>(numel(xs)), ny = static_cast<std::size_t>(numel(ys));
    b_.add_step({op.node, "int8/resize_bilinear", {x, y}, [x, y, xs, attrs, nx, ny](const Binding& bd) -> Runner {
                   const auto* xp = reinterpret_cast<const std::int8_t*>(bd.address(x));
                   auto* yp = reinterpret_cast<std::int8_t*>(bd.address(y));
                   return [xp, yp, xs, attrs, nx, ny](const RunEnv&) {
                     edgetpu::resize_bilinear_int8({xp, nx}, xs, attrs, {yp, ny});
                   };
                 }});
    ++host_["resize_bilinear"];
    define(op.output, y);
  }

  // Output scales s_in·s_w[c]/s_out per channel, the zero points, and the fused clamp.
  dnnl::primitive_attr requantization(const edgetpu::ConvWeights& w, float in_scale, float out_scale) {
    auto attr = Builder::base_attr();
    if (exact_) {  // oneDNN gives the int32 accumulator; the host requantises it (requantize_exactly)
      if (w.q.input_zero_point != 0) attr.set_zero_points(DNNL_ARG_SRC, 0, {DNNL_RUNTIME_S32_VAL});
      return attr;
    }
    std::vector<float> scales(w.scales.size());
    for (std::size_t c = 0; c < scales.size(); ++c)
      scales[c] = static_cast<float>(static_cast<double>(in_scale) * static_cast<double>(w.scales[c]) /
                                     static_cast<double>(out_scale));
    attr.set_output_scales(1 << 1, scales);
    if (w.q.input_zero_point != 0) attr.set_zero_points(DNNL_ARG_SRC, 0, {DNNL_RUNTIME_S32_VAL});
    if (w.q.output_zero_point != 0) attr.set_zero_points(DNNL_ARG_DST, 0, {DNNL_RUNTIME_S32_VAL});
    // The quantised clamp [lo, hi] (zero point included) on the value before the output
    // zero point is added; rounding commutes with a clamp at integers.
    if (w.q.clamp.min > -128 || w.q.clamp.max < 127) {
      dnnl::post_ops ops;
      ops.append_eltwise(1.f, dnnl::algorithm::eltwise_clip, static_cast<float>(w.q.clamp.min - w.q.output_zero_point),
                         static_cast<float>(w.q.clamp.max - w.q.output_zero_point));
      attr.set_post_ops(ops);
    }
    return attr;
  }

  void add_zero_points(Args& args, const edgetpu::ConvWeights& w) {
    const md_t md({1}, s32, memory::format_tag::x);
    const auto zp = [&](std::int32_t v) { return b_.constant(bytes_of(std::vector<std::int32_t>{v}), md, md); };
    if (w.q.input_zero_point != 0) args.emplace_back(DNNL_ARG_ATTR_ZERO_POINTS | DNNL_ARG_SRC, zp(w.q.input_zero_point));
    if (w.q.output_zero_point != 0 && !exact_)
      args.emplace_back(DNNL_ARG_ATTR_ZERO_POINTS | DNNL_ARG_DST, zp(w.q.output_zero_point));
  }

  // TFLite's requantisation of an int32 accumulator `acc` (channels innermost): bias,
  // fixed-point multiplier, output zero point, clamp; bit-exact with the edgetpu kernels.
  Value requantize_exactly(const LoweredOp& op, const Value& acc) {
    const auto w = op.weights;
    const auto channels = static_cast<std::int64_t>(w->q.multipliers.size());
    const Value y = b_.fresh(md_t(acc.md.dims(), s8, strides_of(acc.md)));
    const auto n = numel(t(op.output).shape);
    b_.add_step({op.node, "int8/requantize_tflite", {acc, y}, [acc, y, w, n, channels](const Binding& bd) -> Runner {
                   const auto* ap = reinterpret_cast<const std::int32_t*>(bd.address(acc));
                   auto* yp = reinterpret_cast<std::int8_t*>(bd.address(y));
                   return [ap, yp, w, n, channels](const RunEnv&) {
                     const edgetpu::ConvQuant& q = w->q;
                     const bool bias = !w->bias.empty();
                     split(n, [&](std::int64_t lo, std::int64_t hi) {
                       for (std::int64_t i = lo; i < hi; ++i) {
                         const auto c = static_cast<std::size_t>(i % channels);
                         const std::int32_t v = ap[i] + (bias ? w->bias[c] : 0);
                         const std::int32_t r =
                             edgetpu::fx::multiply_by_quantized_multiplier(v, q.multipliers[c]) + q.output_zero_point;
                         yp[i] = static_cast<std::int8_t>(std::clamp(r, q.clamp.min, q.clamp.max));
                       }
                     });
                   };
                 }});
    ++host_["requantize_tflite"];
    return y;
  }

  void conv2d(const LoweredOp& op) {
    const auto& a = std::get<Conv2dAttrs>(op.attrs);
    const edgetpu::ConvWeights& w = *op.weights;
    const QTensor &x = t(op.inputs[0]), &y = t(op.output);
    const Shape &xs = x.shape, &ws = w.shape, &ys = y.shape;
    if (xs.size() != 4) throw std::invalid_argument("cpu backend int8: conv2d '" + op.node + "' input is not 4-D");
    const memory::dim g = a.groups;
    const auto nhwc = memory::format_tag::acdb;
    const md_t src_md({xs.begin(), xs.end()}, s8, nhwc), dst_md({ys.begin(), ys.end()}, exact_ ? s32 : s8, nhwc);
    const memory::dims wdims = g == 1 ? memory::dims{ws[0], ws[1], ws[2], ws[3]} : memory::dims{g, ws[0] / g, ws[1], ws[2], ws[3]};
    const md_t w_plain(wdims, s8, g == 1 ? memory::format_tag::oihw : memory::format_tag::goihw);
    const md_t w_any(wdims, s8, memory::format_tag::any);
    const md_t bias_md({ws[0]}, s32, memory::format_tag::x);
    const memory::dims strides{a.stride[0], a.stride[1]}, dilation{a.dilation[0] - 1, a.dilation[1] - 1};
    const memory::dims pad_l{a.pad[0], a.pad[1]}, pad_r{a.pad[2], a.pad[3]};
    const bool has_bias = !w.bias.empty() && !exact_;  // exact: the host adds it in int32
    const auto desc = has_bias ? dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference,
                                                                 dnnl::algorithm::convolution_direct, src_md, w_any, bias_md,
                                                                 dst_md, strides, dilation, pad_l, pad_r)
                               : dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference,
                                                                 dnnl::algorithm::convolution_direct, src_md, w_any, dst_md,
                                                                 strides, dilation, pad_l, pad_r);
    const std::int64_t macs = ys[0] * ys[1] * ys[2] * ys[3] * ws[1] * ws[2] * ws[3];
    const int threads = macs < kSerialConvMacs ? 1 : 0;
    std::optional<ThreadScope> serial;
    if (threads == 1) serial.emplace(1);
    const dnnl::convolution_forward::primitive_desc pd(desc, requantization(w, x.q.scale, y.q.scale), b_.engine());
    (void)val(op.inputs[0]);
    Args args{{DNNL_ARG_SRC, b_.as(key(op.inputs[0]), pd.src_desc())},
              {DNNL_ARG_WEIGHTS, b_.constant(bytes_of(w.values), w_plain, pd.weights_desc())}};
    if (has_bias) args.emplace_back(DNNL_ARG_BIAS, b_.constant(bytes_of(w.bias), bias_md, bias_md));
    add_zero_points(args, w);
    const Value dst = b_.fresh(pd.dst_desc());
    args.emplace_back(DNNL_ARG_DST, dst);
    b_.add_primitive(op.node, "int8/conv2d", pd, dnnl::convolution_forward(pd), std::move(args), threads);
    ++onednn_["conv2d"];
    define(op.output, exact_ ? requantize_exactly(op, dst) : dst);
  }

  void linear(const LoweredOp& op) {
    const edgetpu::ConvWeights& w = *op.weights;
    const QTensor &x = t(op.inputs[0]), &y = t(op.output);
    const memory::dim K = w.shape[1], N = w.shape[0], M = numel(x.shape) / K;
    const md_t src_md({M, K}, s8, memory::format_tag::ab), dst_md({M, N}, exact_ ? s32 : s8, memory::format_tag::ab);
    const md_t w_plain({K, N}, s8, memory::format_tag::ba);  // the [N, K] bytes, read as [K, N]
    const md_t w_any({K, N}, s8, memory::format_tag::any);
    const md_t bias_md({1, N}, s32, memory::format_tag::ab);
    const bool has_bias = !w.bias.empty() && !exact_;
    const auto desc = has_bias ? dnnl::matmul::desc(src_md, w_any, bias_md, dst_md) : dnnl::matmul::desc(src_md, w_any, dst_md);
    const dnnl::matmul::primitive_desc pd(desc, requantization(w, x.q.scale, y.q.scale), b_.engine());
    Args args{{DNNL_ARG_SRC, plain(op.inputs[0]).viewed(src_md)},
              {DNNL_ARG_WEIGHTS, b_.constant(bytes_of(w.values), w_plain, pd.weights_desc())}};
    if (has_bias) args.emplace_back(DNNL_ARG_BIAS, b_.constant(bytes_of(w.bias), bias_md, bias_md));
    add_zero_points(args, w);
    const Value dst = b_.fresh(dst_md);
    args.emplace_back(DNNL_ARG_DST, dst);
    b_.add_primitive(op.node, "int8/linear", pd, dnnl::matmul(pd), std::move(args));
    ++onednn_["linear"];
    define(op.output, (exact_ ? requantize_exactly(op, dst) : dst).viewed(plain_s8(y.shape)));
  }

  Builder& b_;
  const edgetpu::QuantizedProgram& qp_;
  bool exact_;
  std::map<std::string, int> onednn_, host_;
};

}  // namespace

Int8Lowering lower_int8(Context& ctx, const Graph& graph, const Weights& weights, const edgetpu::QuantizedProgram& qprogram,
                        Int8Requantize requantize) {
  Builder b(ctx, graph, weights);
  Lowerer l(b, qprogram, requantize);
  for (const auto& in : qprogram.input_names()) l.input(in);
  for (const auto& op : qprogram.ops()) l.lower(op);
  for (const auto& out : qprogram.output_names()) l.output(out);
  Int8Lowering r{b.finish(), l.info()};
  return r;
}

}  // namespace eb::cpu
