#include "backends/edgetpu/quantized_program.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "backends/edgetpu/kernels.h"
#include "core/reference/kernels.h"

namespace eb::edgetpu {
namespace {

// Logistic and hard-sigmoid outputs in TFLite int8: scale 1/256, zero point −128.
constexpr QParams kUnitInterval{1.0f / 256.0f, -128};

std::vector<float> as_f32(const Tensor& t) {
  const Tensor f = t.dtype() == DType::f32 ? t : t.to(DType::f32);
  auto d = f.data<float>();
  return {d.begin(), d.end()};
}

QParams range_params(const std::map<std::string, Range>& ranges, const std::string& name) {
  auto it = ranges.find(name);
  if (it == ranges.end()) throw std::invalid_argument("edgetpu: tensor '" + name + "' has no calibrated range");
  return choose_activation_params(it->second.min, it->second.max);
}

LoweredOp::Kind separate_kind(Activation act) {
  switch (act) {
    case Activation::hardswish: return LoweredOp::Kind::hardswish;
    case Activation::sigmoid: return LoweredOp::Kind::logistic;
    case Activation::hardsigmoid: return LoweredOp::Kind::hardsigmoid;
    default: break;
  }
  throw std::invalid_argument("edgetpu: activation '" + std::string(activation_name(act)) + "' has no separate int8 op");
}

}  // namespace

QTensor& QuantizedProgram::define(const std::string& name, const Shape& shape, QParams q) {
  auto t = std::make_unique<QTensor>();
  t->name = name;
  t->shape = shape;
  t->q = q;
  t->data.assign(static_cast<std::size_t>(numel(shape)), 0);
  QTensor& ref = *t;
  by_name_[name] = t.get();
  tensors_.push_back(std::move(t));
  return ref;
}

QTensor& QuantizedProgram::slot(const std::string& name) {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) throw std::invalid_argument("edgetpu: tensor '" + name + "' is not an activation of the quantised graph");
  return *it->second;
}

const QTensor& QuantizedProgram::tensor(const std::string& name) const {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) throw std::invalid_argument("edgetpu: no quantised tensor '" + name + "'");
  return *it->second;
}

QuantizedProgram::QuantizedProgram(const Graph& graph, const Weights& weights, const std::map<std::string, Range>& ranges)
    : inputs_(graph.inputs), outputs_(graph.outputs) {
  for (const auto& in : graph.inputs) define(in, graph.info(in).shape, range_params(ranges, in));
  for (const auto& node : graph.nodes) lower(graph, node, weights, ranges);
  for (const auto& out : outputs_) (void)slot(out);  // every output is an activation here
}

void QuantizedProgram::lower(const Graph& graph, const Node& node, const Weights& weights, const std::map<std::string, Range>& ranges) {
  const Shape& out_shape = graph.info(node.name).shape;
  // Activations, and — for ops other than conv / linear — constant operands (a position
  // embedding added to tokens, ...), which TFLite stores as per-tensor int8 constants.
  const bool takes_weights = node.op == OpKind::conv2d || node.op == OpKind::linear;
  std::vector<QTensor*> in;
  for (const auto& name : node.inputs) {
    if (!graph.is_weight(name)) {
      in.push_back(&slot(name));
    } else if (!takes_weights) {
      if (!by_name_.contains(name)) {
        const std::vector<float> v = as_f32(weights.get(name));
        const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
        QTensor& c = define(name, graph.info(name).shape, v.empty() ? QParams{} : choose_activation_params(*lo, *hi));
        c.constant = true;
        for (std::size_t i = 0; i < v.size(); ++i) c.data[i] = quantize_value(v[i], c.q);
        weight_bytes_ += static_cast<std::int64_t>(v.size());
      }
      in.push_back(&slot(name));
    }
  }

  // The structured record of a step (ops()).
  const auto record = [&](LoweredOp::Kind kind, std::vector<std::string> inputs, const std::string& output) -> LoweredOp& {
    LoweredOp op;
    op.kind = kind;
    op.node = node.name;
    op.inputs = std::move(inputs);
    op.output = output;
    op.attrs = node.attrs;
    ops_.push_back(std::move(op));
    return ops_.back();
  };
  std::vector<std::string> in_names;
  for (const QTensor* t : in) in_names.push_back(t->name);

  // Activations that TFLite keeps as their own op after conv / linear.
  const auto separate_activation = [&](Activation act, QTensor& pre, QTensor& out) {
    record(separate_kind(act), {pre.name}, out.name);
    if (act == Activation::hardswish) {
      const HardSwishQuant hq = prepare_hardswish(pre.q, out.q);
      steps_.push_back({node.name, [&pre, &out, hq] { hardswish_int8(pre.data, hq, out.data); }});
    } else {
      const Lut lut = make_lut([act](double v) { return ref::apply_activation(act, v); }, pre.q, out.q);
      steps_.push_back({node.name, [&pre, &out, lut] { lut_int8(pre.data, lut, out.data); }});
    }
  };
  const auto output_params_for = [&](Activation act) {
    return act == Activation::sigmoid || act == Activation::hardsigmoid ? kUnitInterval : range_params(ranges, node.name);
  };

  switch (node.op) {
    case OpKind::conv2d:
    case OpKind::linear: {
      const bool conv = node.op == OpKind::conv2d;
      const Activation act = conv ? node.attr<Conv2dAttrs>().act : node.attr<LinearAttrs>().act;
      const bool has_bias = conv ? node.attr<Conv2dAttrs>().has_bias : node.attr<LinearAttrs>().has_bias;
      if (conv && node.attr<Conv2dAttrs>().has_batch_norm) throw std::invalid_argument("edgetpu: conv '" + node.name + "' still has batch norm (fold it first)");
      const bool separate = activation_is_separate(act);
      if (act == Activation::gelu) throw std::invalid_argument("edgetpu: node '" + node.name + "' has a GELU, which has no int8 lowering here");
      QTensor& x = *in.at(0);
      QTensor& y = define(node.name, out_shape, output_params_for(act));
      QTensor& acc_out = separate ? define(preact_name(node.name), out_shape, range_params(ranges, preact_name(node.name))) : y;
      const Tensor& wt = weights.get(node.inputs[1]);
      const std::int64_t channels = wt.shape()[0];
      auto data = std::make_shared<ConvWeights>();
      ChannelQuantized cq = quantize_weights_per_channel(as_f32(wt), channels);
      data->shape = wt.shape();
      data->values = std::move(cq.values);
      if (has_bias) data->bias = quantize_bias(as_f32(weights.get(node.inputs[2])), x.q.scale, cq.scales);
      data->q.input_zero_point = x.q.zero_point;
      data->q.output_zero_point = acc_out.q.zero_point;
      data->q.multipliers = channel_multipliers(x.q.scale, cq.scales, acc_out.q.scale);
      data->q.clamp = separate ? ActRange{} : fused_activation_range(act, acc_out.q);
      data->scales = cq.scales;
      weight_bytes_ += static_cast<std::int64_t>(data->values.size() + 4 * data->bias.size());
      LoweredOp& op = record(conv ? LoweredOp::Kind::conv2d : LoweredOp::Kind::linear, {x.name}, acc_out.name);
      op.weights = data;
      op.fused = separate ? Activation::none : act;
      if (conv) {
        const Conv2dAttrs attrs = node.attr<Conv2dAttrs>();
        const Shape ws = wt.shape();
        steps_.push_back({node.name, [&x, &acc_out, data, attrs, ws] {
                            conv2d_int8(x.data, x.shape, data->values, ws, data->bias, attrs, data->q, acc_out.data, acc_out.shape);
                          }});
      } else {
        const std::int64_t k = wt.shape()[1];
        const std::int64_t m = numel(x.shape) / k;
        steps_.push_back({node.name, [&x, &acc_out, data, m, k, channels] {
                            linear_int8(x.data, m, k, data->values, channels, data->bias, data->q, acc_out.data);
                          }});
      }
      if (separate) separate_activation(act, acc_out, y);
      return;
    }
    case OpKind::hardswish:
    case OpKind::sigmoid:
    case OpKind::hardsigmoid: {
      const Activation act = unary_activation(node.op);
      QTensor& y = define(node.name, out_shape, output_params_for(act));
      separate_activation(act, *in.at(0), y);
      return;
    }
    case OpKind::relu:
    case OpKind::relu6: {
      QTensor& x = *in.at(0);
      QTensor& y = define(node.name, out_shape, range_params(ranges, node.name));
      const bool six = node.op == OpKind::relu6;
      record(six ? LoweredOp::Kind::relu6 : LoweredOp::Kind::relu, {x.name}, y.name);
      steps_.push_back({node.name, [&x, &y, six] { relu_int8(x.data, x.q, y.q, 6.0f, six, y.data); }});
      return;
    }
    case OpKind::add:
    case OpKind::mul: {
      QTensor& a = *in.at(0);
      QTensor& b = *in.at(1);
      QTensor& y = define(node.name, out_shape, range_params(ranges, node.name));
      auto ai = std::make_shared<std::vector<std::int64_t>>(broadcast_index(a.shape, out_shape));
      auto bi = std::make_shared<std::vector<std::int64_t>>(broadcast_index(b.shape, out_shape));
      record(node.op == OpKind::add ? LoweredOp::Kind::add : LoweredOp::Kind::mul, in_names, y.name);
      if (node.op == OpKind::add) {
        const AddQuant q = prepare_add(a.q, b.q, y.q);
        steps_.push_back({node.name, [&a, &b, &y, ai, bi, q] { add_int8(a.data, *ai, b.data, *bi, q, y.data); }});
      } else {
        const MulQuant q = prepare_mul(a.q, b.q, y.q);
        steps_.push_back({node.name, [&a, &b, &y, ai, bi, q] { mul_int8(a.data, *ai, b.data, *bi, q, y.data); }});
      }
      return;
    }
    case OpKind::concat: {
      QTensor& y = define(node.name, out_shape, range_params(ranges, node.name));
      const int rank = static_cast<int>(out_shape.size());
      const int axis = node.attr<ConcatAttrs>().axis < 0 ? node.attr<ConcatAttrs>().axis + rank : node.attr<ConcatAttrs>().axis;
      std::int64_t outer = 1;
      for (int d = 0; d < axis; ++d) outer *= out_shape[static_cast<std::size_t>(d)];
      // Inputs on other parameters are requantised first (TFLite's inserted QUANTIZE op).
      std::vector<QTensor*> parts;
      for (QTensor* t : in) {
        if (t->q == y.q) {
          parts.push_back(t);
          continue;
        }
        QTensor& r = define(node.name + ":requantize:" + t->name, t->shape, y.q);
        record(LoweredOp::Kind::requantize, {t->name}, r.name);
        steps_.push_back({node.name, [t, &r] { requantize_int8(t->data, t->q, r.q, r.data); }});
        parts.push_back(&r);
      }
      std::vector<std::string> part_names;
      for (const QTensor* p : parts) part_names.push_back(p->name);
      record(LoweredOp::Kind::concat, part_names, y.name);
      steps_.push_back({node.name, [parts, &y, outer] {
                          std::size_t pos = 0;
                          for (std::int64_t o = 0; o < outer; ++o)
                            for (const QTensor* p : parts) {
                              const std::size_t chunk = p->data.size() / static_cast<std::size_t>(outer);
                              std::copy_n(p->data.begin() + static_cast<std::ptrdiff_t>(o * static_cast<std::int64_t>(chunk)), chunk,
                                          y.data.begin() + static_cast<std::ptrdiff_t>(pos));
                              pos += chunk;
                            }
                        }});
      return;
    }
    case OpKind::reshape: {
      QTensor& x = *in.at(0);
      QTensor& y = define(node.name, out_shape, x.q);
      record(LoweredOp::Kind::reshape, {x.name}, y.name);
      steps_.push_back({node.name, [&x, &y] { y.data = x.data; }});
      return;
    }
    case OpKind::transpose: {
      QTensor& x = *in.at(0);
      QTensor& y = define(node.name, out_shape, x.q);
      record(LoweredOp::Kind::transpose, {x.name}, y.name);
      // For each output element, the input element it copies (an odometer over the output).
      const auto& perm = node.attr<TransposeAttrs>().perm;
      const std::size_t rank = x.shape.size();
      std::vector<std::int64_t> in_stride(rank, 1);
      for (std::size_t d = rank - 1; d-- > 0;) in_stride[d] = in_stride[d + 1] * x.shape[d + 1];
      Shape stride_out(rank);
      for (std::size_t d = 0; d < rank; ++d) stride_out[d] = in_stride[static_cast<std::size_t>(perm[d])];
      auto idx = std::make_shared<std::vector<std::int64_t>>(static_cast<std::size_t>(numel(out_shape)));
      std::vector<std::int64_t> pos(rank, 0);
      std::int64_t cur = 0;
      for (auto& v : *idx) {
        v = cur;
        for (std::size_t d = rank; d-- > 0;) {
          ++pos[d];
          cur += stride_out[d];
          if (pos[d] < out_shape[d]) break;
          cur -= stride_out[d] * pos[d];
          pos[d] = 0;
        }
      }
      steps_.push_back({node.name, [&x, &y, idx] {
                          for (std::size_t i = 0; i < idx->size(); ++i) y.data[i] = x.data[static_cast<std::size_t>((*idx)[i])];
                        }});
      return;
    }
    case OpKind::slice: {
      QTensor& x = *in.at(0);
      QTensor& y = define(node.name, out_shape, x.q);
      record(LoweredOp::Kind::slice, {x.name}, y.name);
      const auto& a = node.attr<SliceAttrs>();
      const int rank = static_cast<int>(x.shape.size());
      const int axis = a.axis < 0 ? a.axis + rank : a.axis;
      std::int64_t outer = 1, inner = 1;
      for (int d = 0; d < axis; ++d) outer *= x.shape[static_cast<std::size_t>(d)];
      for (int d = axis + 1; d < rank; ++d) inner *= x.shape[static_cast<std::size_t>(d)];
      const std::int64_t len = x.shape[static_cast<std::size_t>(axis)];
      const std::int64_t start = out_shape[static_cast<std::size_t>(axis)] == 0 ? 0 : (a.start < 0 ? a.start + len : a.start);
      const std::int64_t count = out_shape[static_cast<std::size_t>(axis)];
      steps_.push_back({node.name, [&x, &y, outer, inner, len, start, count] {
                          for (std::int64_t o = 0; o < outer; ++o)
                            std::copy_n(x.data.begin() + static_cast<std::ptrdiff_t>((o * len + start) * inner), count * inner,
                                        y.data.begin() + static_cast<std::ptrdiff_t>(o * count * inner));
                        }});
      return;
    }
    case OpKind::global_avg_pool: {
      QTensor& x = *in.at(0);
      QTensor& y = define(node.name, out_shape, x.q);
      record(LoweredOp::Kind::global_avg_pool, {x.name}, y.name);
      const std::int64_t planes = x.shape[0] * x.shape[1];
      const std::int64_t plane = numel(x.shape) / planes;
      steps_.push_back({node.name, [&x, &y, planes, plane] { global_avg_pool_int8(x.data, planes, plane, y.data); }});
      return;
    }
    case OpKind::resize_bilinear: {
      QTensor& x = *in.at(0);
      QTensor& y = define(node.name, out_shape, x.q);
      record(LoweredOp::Kind::resize_bilinear, {x.name}, y.name);
      const ResizeAttrs a = node.attr<ResizeAttrs>();
      steps_.push_back({node.name, [&x, &y, a] { resize_bilinear_int8(x.data, x.shape, a, y.data); }});
      return;
    }
    case OpKind::matmul:
    case OpKind::layernorm:
    case OpKind::softmax:
    case OpKind::gelu:
    case OpKind::attention:
    case OpKind::moe: break;
  }
  throw std::invalid_argument("edgetpu: node '" + node.name + "' (" + std::string(op_name(node.op)) + ") has no int8 lowering");
}

std::vector<Tensor> QuantizedProgram::run(std::span<const Tensor> inputs) {
  if (inputs.size() != inputs_.size())
    throw std::invalid_argument("edgetpu: graph takes " + std::to_string(inputs_.size()) + " inputs, got " + std::to_string(inputs.size()));
  input_saturated_ = 0;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    QTensor& t = slot(inputs_[i]);
    if (inputs[i].shape() != t.shape)
      throw std::invalid_argument("edgetpu: input '" + t.name + "' must be " + to_string(t.shape) + ", got " + to_string(inputs[i].shape()));
    const Tensor f = inputs[i].dtype() == DType::f32 ? inputs[i] : inputs[i].to(DType::f32);
    auto d = f.data<float>();
    const float lo = dequantize_value(-128, t.q) - 0.5f * t.q.scale, hi = dequantize_value(127, t.q) + 0.5f * t.q.scale;
    for (std::size_t k = 0; k < d.size(); ++k) {
      if (d[k] < lo || d[k] > hi) ++input_saturated_;
      t.data[k] = quantize_value(d[k], t.q);
    }
  }
  for (auto& s : steps_) s.run();
  std::vector<Tensor> out;
  for (const auto& name : outputs_) {
    const QTensor& t = slot(name);
    Tensor f(DType::f32, t.shape);
    auto d = f.data<float>();
    for (std::size_t k = 0; k < d.size(); ++k) d[k] = dequantize_value(t.data[k], t.q);
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace eb::edgetpu
