#include "backends/edgetpu/tflite_export.h"

#include <algorithm>
#include <array>
#include <limits>
#include <map>
#include <stdexcept>

#if EB_HAVE_TFLITE_EXPORT
#include "backends/edgetpu/tflite_schema_generated.h"
#endif

namespace eb::edgetpu {

bool tflite_export_available() { return EB_HAVE_TFLITE_EXPORT != 0; }

std::vector<std::int8_t> to_tflite_layout(const QTensor& t, const TfliteIo& io) { return permute_data(t.data, t.shape, io.perm); }

void check_tflite_exportable(const Graph& graph) {
  if (!tflite_export_available())
    throw std::runtime_error("edgetpu: .tflite export was not built (flatbuffers not found, or -DEB_WITH_TFLITE_EXPORT=OFF: install flatbuffers-compiler libflatbuffers-dev and re-run cmake)");
  const auto fail = [](const Node& n, const std::string& why) {
    throw std::invalid_argument("tflite export: node '" + n.name + "' (" + std::string(op_name(n.op)) + ") " + why +
                                "; exported: conv2d (plain or depthwise; fused relu/relu6, separate hard-swish/sigmoid), relu, relu6, "
                                "hardswish, sigmoid, add, mul, concat, reshape, transpose, slice, global_avg_pool, resize_bilinear");
  };
  for (const Node& n : graph.nodes) {
    switch (n.op) {
      case OpKind::conv2d: {
        const auto& a = n.attr<Conv2dAttrs>();
        if (a.act == Activation::gelu || a.act == Activation::hardsigmoid)
          fail(n, "has a fused " + std::string(activation_name(a.act)) + ", which has no int8 TFLite op here");
        const std::int64_t in_channels = graph.info(n.inputs.at(0)).shape.at(1);
        const std::int64_t per_group = graph.info(n.inputs.at(1)).shape.at(1);
        if (a.groups != 1 && !(a.groups == in_channels && per_group == 1))
          fail(n, "has " + std::to_string(a.groups) + " groups (only plain and depthwise convolutions are exported)");
        break;
      }
      case OpKind::relu:
      case OpKind::relu6:
      case OpKind::hardswish:
      case OpKind::sigmoid:
      case OpKind::add:
      case OpKind::mul:
      case OpKind::concat:
      case OpKind::reshape:
      case OpKind::transpose:
      case OpKind::slice:
      case OpKind::global_avg_pool:
      case OpKind::resize_bilinear: break;
      case OpKind::hardsigmoid: fail(n, "has no single TFLite op"); break;
      case OpKind::linear:
      case OpKind::matmul:
      case OpKind::layernorm:
      case OpKind::softmax:
      case OpKind::gelu:
      case OpKind::attention:
      case OpKind::moe: fail(n, "has no int8 TFLite lowering here"); break;
    }
  }
}

#if !EB_HAVE_TFLITE_EXPORT

TfliteModel export_tflite(const QuantizedProgram&, const std::string&) {
  throw std::runtime_error("edgetpu: .tflite export was not built (flatbuffers not found, or -DEB_WITH_TFLITE_EXPORT=OFF: install flatbuffers-compiler libflatbuffers-dev and re-run cmake)");
}

TfliteModel export_tflite_steps(const QuantizedProgram& program, std::size_t, std::size_t, const std::string& description) {
  return export_tflite(program, description);
}

#else

namespace {

namespace fb = flatbuffers;

std::int32_t to_i32(std::int64_t v, const std::string& what) {
  if (v < std::numeric_limits<std::int32_t>::min() || v > std::numeric_limits<std::int32_t>::max())
    throw std::invalid_argument("tflite export: " + what + " " + std::to_string(v) + " does not fit int32");
  return static_cast<std::int32_t>(v);
}

std::vector<std::int32_t> dims32(const Shape& s) {
  std::vector<std::int32_t> d;
  for (auto v : s) d.push_back(to_i32(v, "dimension"));
  return d;
}

// The operator versions TFLite's converter gives these ops with int8 tensors (readers
// such as edgetpu_compiler check them against what they implement).
int int8_version(tfl::BuiltinOperator op) {
  switch (op) {
    case tfl::BuiltinOperator_CONV_2D:
    case tfl::BuiltinOperator_DEPTHWISE_CONV_2D: return 3;
    case tfl::BuiltinOperator_HARD_SWISH:
    case tfl::BuiltinOperator_RESHAPE: return 1;
    default: return 2;
  }
}

tfl::ActivationFunctionType fused_code(Activation a) {
  switch (a) {
    case Activation::none: return tfl::ActivationFunctionType_NONE;
    case Activation::relu: return tfl::ActivationFunctionType_RELU;
    case Activation::relu6: return tfl::ActivationFunctionType_RELU6;
    default: break;
  }
  throw std::invalid_argument("tflite export: activation '" + std::string(activation_name(a)) + "' cannot be fused");
}

// A tensor of ours as it sits in the TFLite subgraph: its index there and its layout.
struct Placed {
  int index = 0;
  Perm perm;
};

class Exporter {
 public:
  Exporter(const QuantizedProgram& p, bool materialise_transposes) : p_(p), materialise_transposes_(materialise_transposes) {
    buffers_.push_back(tfl::CreateBuffer(fbb_));
  }

  // Steps [first, last) of the program. The whole program reads the graph inputs and
  // writes the graph outputs; a part reads whatever activations its steps take from
  // earlier steps and writes its last step's output.
  TfliteModel run(const std::string& description, std::size_t first, std::size_t last) {
    const auto& ops = p_.ops();
    const bool whole = first == 0 && last == ops.size();
    std::vector<std::string> inputs, outputs;
    const auto add_input = [&](const std::string& name) {
      const QTensor& t = p_.tensor(name);
      const Perm perm = default_tflite_perm(t.shape.size());
      place(name, add_activation(name, t.shape, perm, t.q), perm);
      inputs.push_back(name);
    };
    if (whole) {
      for (const auto& name : p_.input_names()) add_input(name);
      outputs = p_.output_names();
    } else {
      outputs = {ops[last - 1].output};
    }
    for (std::size_t i = first; i < last; ++i) {
      for (const auto& name : ops[i].inputs)
        if (!p_.tensor(name).constant && !placed_.contains(name)) add_input(name);
      export_op(ops[i]);
    }

    TfliteModel m;
    std::vector<std::int32_t> in_idx, out_idx;
    const auto io = [&](const std::string& name, std::vector<std::int32_t>& idx, std::vector<TfliteIo>& list) {
      const Placed& pl = placed(name);
      const QTensor& t = p_.tensor(name);
      idx.push_back(pl.index);
      list.push_back({names_.at(static_cast<std::size_t>(pl.index)), dims32(permute_shape(t.shape, pl.perm)), pl.perm, t.q});
    };
    for (const auto& name : inputs) io(name, in_idx, m.inputs);
    for (const auto& name : outputs) io(name, out_idx, m.outputs);

    std::vector<fb::Offset<tfl::OperatorCode>> codes;
    for (auto c : codes_) codes.push_back(tfl::CreateOperatorCode(fbb_, static_cast<std::int8_t>(c), 0, int8_version(c), c));
    const auto subgraph = tfl::CreateSubGraphDirect(fbb_, &tensors_, &in_idx, &out_idx, &operators_, "main");
    const std::vector<fb::Offset<tfl::SubGraph>> subgraphs{subgraph};
    const auto model = tfl::CreateModelDirect(fbb_, 3, &codes, &subgraphs, description.c_str(), &buffers_);
    tfl::FinishModelBuffer(fbb_, model);

    m.bytes.assign(fbb_.GetBufferPointer(), fbb_.GetBufferPointer() + fbb_.GetSize());
    m.operators = static_cast<std::int64_t>(operators_.size());
    m.tensors = static_cast<std::int64_t>(tensors_.size());
    m.buffers = static_cast<std::int64_t>(buffers_.size());
    m.op_counts = op_counts_;
    return m;
  }

 private:
  // ---- flatbuffer pieces -------------------------------------------------------------
  std::uint32_t add_buffer(std::span<const std::uint8_t> bytes) {
    fbb_.ForceVectorAlignment(bytes.size(), 1, 16);
    buffers_.push_back(tfl::CreateBuffer(fbb_, fbb_.CreateVector(bytes.data(), bytes.size())));
    return static_cast<std::uint32_t>(buffers_.size() - 1);
  }

  fb::Offset<tfl::QuantizationParameters> per_tensor(QParams q) {
    const std::vector<float> scale{q.scale};
    const std::vector<std::int64_t> zp{q.zero_point};
    return tfl::CreateQuantizationParametersDirect(fbb_, nullptr, nullptr, &scale, &zp);
  }

  fb::Offset<tfl::QuantizationParameters> per_channel(const std::vector<float>& scales, int dimension) {
    const std::vector<std::int64_t> zp(scales.size(), 0);
    return tfl::CreateQuantizationParametersDirect(fbb_, nullptr, nullptr, &scales, &zp, tfl::QuantizationDetails_NONE, 0, dimension);
  }

  int add_tensor(const std::string& name, const Shape& tfl_shape, tfl::TensorType type, std::uint32_t buffer,
                 fb::Offset<tfl::QuantizationParameters> q) {
    const auto shape = dims32(tfl_shape);
    tensors_.push_back(tfl::CreateTensorDirect(fbb_, &shape, type, buffer, name.c_str(), q));
    names_.push_back(name);
    return static_cast<int>(tensors_.size() - 1);
  }

  // A new int8 activation of our shape `shape`, stored in layout `perm`.
  int add_activation(const std::string& name, const Shape& shape, const Perm& perm, QParams q) {
    return add_tensor(name, permute_shape(shape, perm), tfl::TensorType_INT8, 0, per_tensor(q));
  }

  int add_int32_constant(const std::string& name, const std::vector<std::int32_t>& values, const Shape& shape,
                         fb::Offset<tfl::QuantizationParameters> q = 0) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(values.data());
    const std::uint32_t b = add_buffer({p, values.size() * sizeof(std::int32_t)});
    return add_tensor(name, shape, tfl::TensorType_INT32, b, q);
  }

  int add_int8_constant(const std::string& name, const std::vector<std::int8_t>& values, const Shape& shape,
                        fb::Offset<tfl::QuantizationParameters> q) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(values.data());
    const std::uint32_t b = add_buffer({p, values.size()});
    return add_tensor(name, shape, tfl::TensorType_INT8, b, q);
  }

  void add_op(tfl::BuiltinOperator code, const std::vector<std::int32_t>& inputs, const std::vector<std::int32_t>& outputs,
              tfl::BuiltinOptions options_type = tfl::BuiltinOptions_NONE, fb::Offset<void> options = 0) {
    auto it = std::find(codes_.begin(), codes_.end(), code);
    if (it == codes_.end()) it = codes_.insert(codes_.end(), code);
    const auto index = static_cast<std::uint32_t>(it - codes_.begin());
    operators_.push_back(tfl::CreateOperatorDirect(fbb_, index, &inputs, &outputs, options_type, options));
    ++op_counts_[tfl::EnumNameBuiltinOperator(code)];
  }

  // ---- our tensors in TFLite -------------------------------------------------------
  const Placed& placed(const std::string& name) const {
    auto it = placed_.find(name);
    if (it == placed_.end()) throw std::invalid_argument("tflite export: tensor '" + name + "' is used before it is written");
    return it->second;
  }
  void place(const std::string& name, int index, Perm perm) { placed_[name] = {index, std::move(perm)}; }

  // Index of a tensor holding `name` in layout `perm`: itself, or a TRANSPOSE of it (a
  // RESHAPE when only unit dimensions move), made once per layout.
  int in_layout(const std::string& name, const Perm& perm) {
    const QTensor& t = p_.tensor(name);
    if (t.constant) return constant(t, perm, t.shape.size());
    const Placed& src = placed(name);
    if (src.perm == perm) return src.index;
    const auto key = std::make_pair(name, perm);
    if (auto it = relayouts_.find(key); it != relayouts_.end()) return it->second;
    // y_tfl[d] = ours[perm[d]] = x_tfl[inv(src.perm)[perm[d]]].
    const Perm inv = inverse_perm(src.perm);
    Perm q(perm.size());
    for (std::size_t d = 0; d < perm.size(); ++d) q[d] = inv[static_cast<std::size_t>(perm[d])];
    const Shape src_shape = permute_shape(t.shape, src.perm);
    const int out = add_activation(name + ":layout" + std::to_string(relayouts_.size()), t.shape, perm, t.q);
    relayout(src.index, src_shape, q, out);
    relayouts_[key] = out;
    return out;
  }

  // out = transpose(in, q), as a RESHAPE when that keeps the byte order.
  void relayout(int in, const Shape& in_tfl_shape, const Perm& q, int out) {
    const Shape out_shape = permute_shape(in_tfl_shape, q);
    if (keeps_memory_order(in_tfl_shape, q)) {
      reshape_op(in, out, out_shape);
      return;
    }
    std::vector<std::int32_t> perm32(q.begin(), q.end());
    const int p = add_int32_constant(names_.at(static_cast<std::size_t>(out)) + ":perm", perm32, {static_cast<std::int64_t>(q.size())});
    add_op(tfl::BuiltinOperator_TRANSPOSE, {in, p}, {out}, tfl::BuiltinOptions_TransposeOptions, tfl::CreateTransposeOptions(fbb_).Union());
  }

  void reshape_op(int in, int out, const Shape& out_tfl_shape) {
    const auto dims = dims32(out_tfl_shape);
    const int s = add_int32_constant(names_.at(static_cast<std::size_t>(out)) + ":shape", dims, {static_cast<std::int64_t>(dims.size())});
    add_op(tfl::BuiltinOperator_RESHAPE, {in, s}, {out}, tfl::BuiltinOptions_ReshapeOptions, tfl::CreateReshapeOptionsDirect(fbb_, &dims).Union());
  }

  // A per-tensor int8 constant operand, broadcast to `rank` dimensions (leading 1s, as
  // NumPy aligns shapes) and stored in layout `perm`.
  int constant(const QTensor& t, const Perm& perm, std::size_t rank) {
    if (t.shape.size() > rank) throw std::invalid_argument("tflite export: constant '" + t.name + "' has more dimensions than its use");
    Shape s(rank - t.shape.size(), 1);
    s.insert(s.end(), t.shape.begin(), t.shape.end());
    const auto key = std::make_pair(t.name, perm);
    if (auto it = relayouts_.find(key); it != relayouts_.end()) return it->second;
    const int idx = add_int8_constant(t.name, permute_data(t.data, s, perm), permute_shape(s, perm), per_tensor(t.q));
    relayouts_[key] = idx;
    return idx;
  }

  // A new activation tensor for our tensor `name`, stored in layout `perm`.
  int output(const std::string& name, const Perm& perm) {
    const QTensor& t = p_.tensor(name);
    const int idx = add_activation(name, t.shape, perm, t.q);
    place(name, idx, perm);
    return idx;
  }

  // ---- the ops -----------------------------------------------------------------------
  void export_op(const LoweredOp& op) {
    using K = LoweredOp::Kind;
    switch (op.kind) {
      case K::conv2d: return conv(op);
      case K::hardswish: return unary(op, tfl::BuiltinOperator_HARD_SWISH);
      case K::logistic: return unary(op, tfl::BuiltinOperator_LOGISTIC);
      case K::relu: return unary(op, tfl::BuiltinOperator_RELU);
      case K::relu6: return unary(op, tfl::BuiltinOperator_RELU6);
      case K::requantize: return unary(op, tfl::BuiltinOperator_QUANTIZE);
      case K::add:
      case K::mul: return binary(op);
      case K::concat: return concat(op);
      case K::reshape: return reshape(op);
      case K::transpose: return transpose(op);
      case K::slice: return slice(op);
      case K::global_avg_pool: return avg_pool(op);
      case K::resize_bilinear: return resize(op);
      case K::linear:
        throw std::invalid_argument("tflite export: node '" + op.node + "' (linear) is not exported (per-channel FULLY_CONNECTED is not written here)");
      case K::hardsigmoid:
        throw std::invalid_argument("tflite export: node '" + op.node + "' (hard-sigmoid) has no single TFLite op; export supports hard-swish, logistic, relu, relu6");
    }
    throw std::invalid_argument("tflite export: node '" + op.node + "' has an unknown lowered op");
  }

  void unary(const LoweredOp& op, tfl::BuiltinOperator code) {
    const Placed src = placed(op.inputs.at(0));
    add_op(code, {src.index}, {output(op.output, src.perm)});
  }

  void conv(const LoweredOp& op) {
    const auto& a = std::get<Conv2dAttrs>(op.attrs);
    const ConvWeights& w = *op.weights;
    const QTensor& x = p_.tensor(op.inputs.at(0));
    const QTensor& y = p_.tensor(op.output);
    const Perm nhwc = default_tflite_perm(4);
    int in = in_layout(x.name, nhwc);
    const std::int64_t c = x.shape[1], h = x.shape[2], wd = x.shape[3];
    const std::int64_t o = w.shape[0], icpg = w.shape[1], kh = w.shape[2], kw = w.shape[3];
    const bool depthwise = a.groups > 1 && a.groups == c && icpg == 1;
    if (a.groups != 1 && !depthwise)
      throw std::invalid_argument("tflite export: conv '" + op.node + "' has " + std::to_string(a.groups) + " groups (only 1 or depthwise are exported)");

    // TFLite knows SAME (total padding split with the extra row/column after) and VALID.
    const auto same = [](std::int64_t in_size, int stride, int dil, std::int64_t k) {
      const std::int64_t out = (in_size + stride - 1) / stride;
      const std::int64_t total = std::max<std::int64_t>((out - 1) * stride + (k - 1) * dil + 1 - in_size, 0);
      return std::array<std::int64_t, 2>{total / 2, total - total / 2};
    };
    const auto sh = same(h, a.stride[0], a.dilation[0], kh), sw = same(wd, a.stride[1], a.dilation[1], kw);
    tfl::Padding padding = tfl::Padding_VALID;
    if (a.pad == std::array<int, 4>{0, 0, 0, 0}) {
      padding = tfl::Padding_VALID;
    } else if (a.pad[0] == sh[0] && a.pad[2] == sh[1] && a.pad[1] == sw[0] && a.pad[3] == sw[1]) {
      padding = tfl::Padding_SAME;
    } else {  // explicit PAD, then VALID
      const std::vector<std::int32_t> pads{0, 0, a.pad[0], a.pad[2], a.pad[1], a.pad[3], 0, 0};
      const int pt = add_int32_constant(op.output + ":paddings", pads, {4, 2});
      const Shape padded{x.shape[0], c, h + a.pad[0] + a.pad[2], wd + a.pad[1] + a.pad[3]};
      const int out = add_activation(op.output + ":padded", padded, nhwc, x.q);
      add_op(tfl::BuiltinOperator_PAD, {in, pt}, {out}, tfl::BuiltinOptions_PadOptions, tfl::CreatePadOptions(fbb_).Union());
      in = out;
    }

    // Weights: ours [O, C/g, kh, kw]; CONV_2D wants OHWI, DEPTHWISE_CONV_2D 1HWO.
    const Perm wperm = depthwise ? Perm{1, 2, 3, 0} : Perm{0, 2, 3, 1};
    const int wt = add_int8_constant(op.node + ":weights", permute_data(w.values, w.shape, wperm), permute_shape(w.shape, wperm),
                                     per_channel(w.scales, depthwise ? 3 : 0));
    std::vector<float> bias_scales;
    for (float s : w.scales) bias_scales.push_back(static_cast<float>(static_cast<double>(x.q.scale) * static_cast<double>(s)));
    const std::vector<std::int32_t> bias = w.bias.empty() ? std::vector<std::int32_t>(static_cast<std::size_t>(o), 0) : w.bias;
    const int bt = add_int32_constant(op.node + ":bias", bias, {o}, per_channel(bias_scales, 0));
    const int out = output(y.name, nhwc);
    const auto act = fused_code(op.fused);
    if (depthwise) {
      const auto opts = tfl::CreateDepthwiseConv2DOptions(fbb_, padding, a.stride[1], a.stride[0], to_i32(o / c, "depth multiplier"), act,
                                                          a.dilation[1], a.dilation[0]);
      add_op(tfl::BuiltinOperator_DEPTHWISE_CONV_2D, {in, wt, bt}, {out}, tfl::BuiltinOptions_DepthwiseConv2DOptions, opts.Union());
    } else {
      const auto opts = tfl::CreateConv2DOptions(fbb_, padding, a.stride[1], a.stride[0], act, a.dilation[1], a.dilation[0]);
      add_op(tfl::BuiltinOperator_CONV_2D, {in, wt, bt}, {out}, tfl::BuiltinOptions_Conv2DOptions, opts.Union());
    }
  }

  void binary(const LoweredOp& op) {
    const QTensor& y = p_.tensor(op.output);
    const std::size_t rank = y.shape.size();
    // The layout of the first activation operand; constants follow it.
    Perm perm = default_tflite_perm(rank);
    for (const auto& name : op.inputs) {
      const QTensor& t = p_.tensor(name);
      if (t.constant) continue;
      if (t.shape.size() != rank)
        throw std::invalid_argument("tflite export: node '" + op.node + "' broadcasts activations of different rank (" + to_string(t.shape) + " to " + to_string(y.shape) + ")");
      perm = placed(name).perm;
      break;
    }
    std::vector<std::int32_t> ins;
    for (const auto& name : op.inputs) {
      const QTensor& t = p_.tensor(name);
      if (t.constant) ins.push_back(constant(t, perm, rank));
      else if (t.shape.size() != rank)
        throw std::invalid_argument("tflite export: node '" + op.node + "' broadcasts activations of different rank (" + to_string(t.shape) + " to " + to_string(y.shape) + ")");
      else ins.push_back(in_layout(name, perm));
    }
    const int out = output(y.name, perm);
    if (op.kind == LoweredOp::Kind::add)
      add_op(tfl::BuiltinOperator_ADD, ins, {out}, tfl::BuiltinOptions_AddOptions, tfl::CreateAddOptions(fbb_).Union());
    else
      add_op(tfl::BuiltinOperator_MUL, ins, {out}, tfl::BuiltinOptions_MulOptions, tfl::CreateMulOptions(fbb_).Union());
  }

  void concat(const LoweredOp& op) {
    const QTensor& y = p_.tensor(op.output);
    const int rank = static_cast<int>(y.shape.size());
    int axis = std::get<ConcatAttrs>(op.attrs).axis;
    if (axis < 0) axis += rank;
    const QTensor& first = p_.tensor(op.inputs.at(0));
    const Perm perm = first.constant ? default_tflite_perm(static_cast<std::size_t>(rank)) : placed(first.name).perm;
    std::vector<std::int32_t> ins;
    for (const auto& name : op.inputs) ins.push_back(in_layout(name, perm));
    const auto tfl_axis = static_cast<int>(std::find(perm.begin(), perm.end(), axis) - perm.begin());
    const int out = output(y.name, perm);
    add_op(tfl::BuiltinOperator_CONCATENATION, ins, {out}, tfl::BuiltinOptions_ConcatenationOptions,
           tfl::CreateConcatenationOptions(fbb_, tfl_axis, tfl::ActivationFunctionType_NONE).Union());
  }

  // Our reshape is row-major over our dimensions: read the input in our order (a
  // TRANSPOSE first only if its TFLite layout moves non-unit dimensions), and store the
  // output NHWC when that is the same byte order, else in our order.
  void reshape(const LoweredOp& op) {
    const QTensor& x = p_.tensor(op.inputs.at(0));
    const QTensor& y = p_.tensor(op.output);
    const Placed& src = placed(x.name);
    const Perm ours = identity_perm(x.shape.size());
    const int in = keeps_memory_order(permute_shape(x.shape, src.perm), inverse_perm(src.perm)) ? src.index : in_layout(x.name, ours);
    const Perm want = default_tflite_perm(y.shape.size());
    const Perm perm = keeps_memory_order(y.shape, want) ? want : identity_perm(y.shape.size());
    const int out = output(y.name, perm);
    reshape_op(in, out, permute_shape(y.shape, perm));
  }

  // transpose(x) in our graph is the same TFLite array as x, read in another layout: no
  // op at all, unless it is a graph output (which gets a tensor of its own).
  void transpose(const LoweredOp& op) {
    const QTensor& x = p_.tensor(op.inputs.at(0));
    const auto& p = std::get<TransposeAttrs>(op.attrs).perm;
    const Placed src = placed(x.name);
    const Perm inv = inverse_perm(p);
    Perm perm(src.perm.size());
    for (std::size_t d = 0; d < perm.size(); ++d) perm[d] = inv[static_cast<std::size_t>(src.perm[d])];
    const auto& outs = p_.output_names();
    if (std::find(outs.begin(), outs.end(), op.output) == outs.end() && !materialise_transposes_) {
      place(op.output, src.index, perm);
      return;
    }
    const QTensor& y = p_.tensor(op.output);
    const int out = output(y.name, perm);
    reshape_op(src.index, out, permute_shape(y.shape, perm));
  }

  void slice(const LoweredOp& op) {
    const QTensor& x = p_.tensor(op.inputs.at(0));
    const QTensor& y = p_.tensor(op.output);
    const auto& a = std::get<SliceAttrs>(op.attrs);
    const int rank = static_cast<int>(x.shape.size());
    const int axis = a.axis < 0 ? a.axis + rank : a.axis;
    const std::int64_t len = x.shape[static_cast<std::size_t>(axis)];
    const std::int64_t start = y.shape[static_cast<std::size_t>(axis)] == 0 ? 0 : (a.start < 0 ? a.start + len : a.start);
    const Placed src = placed(x.name);
    std::vector<std::int32_t> begin, size;
    for (int p : src.perm) {
      begin.push_back(p == axis ? to_i32(start, "slice start") : 0);
      size.push_back(to_i32(y.shape[static_cast<std::size_t>(p)], "slice size"));
    }
    const Shape n{rank};
    const int b = add_int32_constant(op.output + ":begin", begin, n);
    const int s = add_int32_constant(op.output + ":size", size, n);
    const int out = output(y.name, src.perm);
    add_op(tfl::BuiltinOperator_SLICE, {src.index, b, s}, {out}, tfl::BuiltinOptions_SliceOptions, tfl::CreateSliceOptions(fbb_).Union());
  }

  void avg_pool(const LoweredOp& op) {
    const QTensor& x = p_.tensor(op.inputs.at(0));
    const Perm nhwc = default_tflite_perm(4);
    const int in = in_layout(x.name, nhwc);
    const int out = output(op.output, nhwc);
    const auto opts = tfl::CreatePool2DOptions(fbb_, tfl::Padding_VALID, 1, 1, to_i32(x.shape[3], "pool width"), to_i32(x.shape[2], "pool height"),
                                               tfl::ActivationFunctionType_NONE);
    add_op(tfl::BuiltinOperator_AVERAGE_POOL_2D, {in}, {out}, tfl::BuiltinOptions_Pool2DOptions, opts.Union());
  }

  void resize(const LoweredOp& op) {
    const auto& a = std::get<ResizeAttrs>(op.attrs);
    const Perm nhwc = default_tflite_perm(4);
    const int in = in_layout(op.inputs.at(0), nhwc);
    const int size = add_int32_constant(op.output + ":size", {to_i32(a.out_h, "resize height"), to_i32(a.out_w, "resize width")}, {2});
    const int out = output(op.output, nhwc);
    const auto opts = tfl::CreateResizeBilinearOptions(fbb_, a.align_corners, !a.align_corners && a.half_pixel_centers);
    add_op(tfl::BuiltinOperator_RESIZE_BILINEAR, {in, size}, {out}, tfl::BuiltinOptions_ResizeBilinearOptions, opts.Union());
  }

  const QuantizedProgram& p_;
  bool materialise_transposes_ = false;  // a part of the program ending in a transpose writes it
  fb::FlatBufferBuilder fbb_{1 << 20};
  std::vector<fb::Offset<tfl::Buffer>> buffers_;
  std::vector<fb::Offset<tfl::Tensor>> tensors_;
  std::vector<std::string> names_;  // by tensor index
  std::vector<fb::Offset<tfl::Operator>> operators_;
  std::vector<tfl::BuiltinOperator> codes_;
  std::map<std::string, Placed> placed_;
  std::map<std::pair<std::string, Perm>, int> relayouts_;
  std::map<std::string, int> op_counts_;
};

}  // namespace

TfliteModel export_tflite(const QuantizedProgram& program, const std::string& description) {
  return Exporter(program, false).run(description, 0, program.ops().size());
}

TfliteModel export_tflite_steps(const QuantizedProgram& program, std::size_t first, std::size_t last, const std::string& description) {
  if (first >= last || last > program.ops().size())
    throw std::invalid_argument("tflite export: steps [" + std::to_string(first) + ", " + std::to_string(last) + ") are not a range of the " +
                                std::to_string(program.ops().size()) + " steps");
  return Exporter(program, true).run(description, first, last);
}

#endif

}  // namespace eb::edgetpu
