#include "backends/fpga/lower.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <unordered_map>

#include "backends/fpga/steps.h"
#include "backends/fpga/weight_convert.h"

namespace eb::fpga {
namespace {

using hw::act_t;

const Shape& shape_of(const Graph& g, const std::string& t) { return g.info(t).shape; }

// b repeats with period numel(b) inside a: b's shape, right-aligned, equals a's trailing
// dimensions after dropping b's leading ones.
bool periodic_in(const Shape& a, const Shape& b) {
  std::size_t lead = 0;
  while (lead < b.size() && b[lead] == 1) ++lead;
  const std::size_t n = b.size() - lead;
  if (n > a.size()) return false;
  for (std::size_t i = 0; i < n; ++i)
    if (b[lead + i] != a[a.size() - n + i]) return false;
  return b.size() <= a.size() || lead >= b.size() - a.size();
}

std::optional<hw::OutAct> out_act(Activation a) {
  switch (a) {
    case Activation::none: return hw::OutAct::none;
    case Activation::gelu: return hw::OutAct::gelu;
    case Activation::relu: return hw::OutAct::relu;
    case Activation::relu6: return hw::OutAct::relu6;
    case Activation::hardswish: return hw::OutAct::hardswish;
    default: return std::nullopt;
  }
}

bool im2col_enabled(const Graph& g, const ResolvedOptions& options) {
  const std::string& mode = options.get_choice("fpga.convs");
  if (mode == "im2col") return true;
  if (mode == "patch") return false;
  return std::none_of(g.nodes.begin(), g.nodes.end(), [](const Node& n) { return n.op == OpKind::attention; });
}

bool is_im2col_conv(const Graph& g, const Node& n) {
  const auto& a = n.attr<Conv2dAttrs>();
  const Shape& x = shape_of(g, n.inputs[0]);
  const Shape& w = shape_of(g, n.inputs[1]);
  return a.groups == 1 && !a.has_batch_norm && out_act(a.act) && a.act != Activation::gelu && x.size() == 4 && w.size() == 4 &&
         w[1] * w[2] * w[3] <= hw::kMaxLinearIn && w[0] <= hw::kMaxLinearOut;
}

bool is_patch_conv(const Graph& g, const Node& n) {
  const auto& a = n.attr<Conv2dAttrs>();
  const Shape& x = shape_of(g, n.inputs[0]);
  const Shape& w = shape_of(g, n.inputs[1]);
  if (a.groups != 1 || a.dilation != std::array<int, 2>{1, 1} || a.act != Activation::none || a.has_batch_norm) return false;
  if (a.pad != std::array<int, 4>{0, 0, 0, 0} || x.size() != 4 || w.size() != 4) return false;
  // A patchify: square kernel k ≥ 2 with stride k (a 1×1 convolution is a head's layer, not an embedding).
  if (w[2] != w[3] || w[2] < 2 || a.stride[0] != w[2] || a.stride[1] != w[3] || x[2] % w[2] != 0 || x[3] % w[3] != 0) return false;
  return w[1] * w[2] * w[3] <= hw::kMaxLinearIn && w[0] <= hw::kMaxLinearOut;
}

}  // namespace

bool im2col_convs(const Graph& g, const ResolvedOptions& options) { return im2col_enabled(g, options); }

std::string unsupported_reason(const Graph& g, const Node& n, bool im2col) {
  for (const auto& in : n.inputs)
    if (g.info(in).dtype != DType::f32) return "input '" + in + "' is " + std::string(dtype_name(g.info(in).dtype)) + " (f32 only)";
  const std::string max_in = std::to_string(hw::kMaxLinearIn), max_out = std::to_string(hw::kMaxLinearOut);
  switch (n.op) {
    case OpKind::conv2d:
      if (is_patch_conv(g, n)) return {};
      if (!is_im2col_conv(g, n))
        return "neither a patch embedding nor a one-group convolution whose im2col rows fit the linear unit (" + max_in +
               " inputs, " + max_out + " outputs)";
      return im2col ? "" : "im2col convolutions are off for this graph (fpga.convs, or attention in the graph)";
    case OpKind::linear: {
      const auto& a = n.attr<LinearAttrs>();
      const Shape& w = shape_of(g, n.inputs[1]);
      if (!out_act(a.act)) return "fused " + std::string(activation_name(a.act)) + " has no datapath form";
      if (w[1] > hw::kMaxLinearIn || w[0] > hw::kMaxLinearOut)
        return "weights " + to_string(w) + " exceed the linear unit (" + max_in + " inputs, " + max_out + " outputs)";
      return {};
    }
    case OpKind::attention: {
      const Shape& x = shape_of(g, n.inputs[0]);
      const int heads = n.attr<AttentionAttrs>().heads;
      const std::string limits = "head size a multiple of " + std::to_string(hw::kAttnBeat) + " up to " +
                                 std::to_string(hw::kMaxHeadDim) + ", at most " + std::to_string(hw::kMaxTokens) + " tokens";
      if (x.size() < 2 || heads <= 0 || x.back() % 3 != 0 || (x.back() / 3) % heads != 0)
        return "packed qkv " + to_string(x) + " does not split into " + std::to_string(heads) + " heads";
      const std::int64_t hd = x.back() / 3 / heads;
      if (hd % hw::kAttnBeat != 0 || hd > hw::kMaxHeadDim || x[x.size() - 2] > hw::kMaxTokens)
        return to_string(x) + " with " + std::to_string(heads) + " heads is outside the attention unit (" + limits + ")";
      return {};
    }
    case OpKind::layernorm:
      if (shape_of(g, n.inputs[0]).back() > hw::kMaxNormDim)
        return "rows of " + std::to_string(shape_of(g, n.inputs[0]).back()) + " exceed the unit's " + std::to_string(hw::kMaxNormDim);
      return {};
    case OpKind::moe: {
      const auto& a = n.attr<MoeAttrs>();
      const Shape& x = shape_of(g, n.inputs[0]);
      const std::int64_t width = std::min(hw::kMaxLinearIn, hw::kMaxLinearOut);
      if (a.act != Activation::gelu) return "experts with " + std::string(activation_name(a.act)) + " (the unit has GELU experts)";
      if (a.experts > hw::kMaxExperts || a.top_k > std::min(a.experts, hw::kMaxTopK))
        return std::to_string(a.experts) + " experts, top-" + std::to_string(a.top_k) + " (at most " +
               std::to_string(hw::kMaxExperts) + " experts, top-" + std::to_string(hw::kMaxTopK) + ")";
      if (x.back() > width || a.hidden > width || (x.size() >= 2 && x[x.size() - 2] > hw::kMaxTokens))
        return to_string(x) + " with hidden " + std::to_string(a.hidden) + " exceeds the unit (" + std::to_string(width) +
               " wide, " + std::to_string(hw::kMaxTokens) + " tokens)";
      return {};
    }
    case OpKind::add: {
      const Shape& a = shape_of(g, n.inputs[0]);
      const Shape& b = shape_of(g, n.inputs[1]);
      if (a == b || (numel(b) <= numel(a) && periodic_in(a, b)) || (numel(a) < numel(b) && periodic_in(b, a))) return {};
      return "broadcast " + to_string(a) + " + " + to_string(b) + " is not a periodic one the add unit streams";
    }
    case OpKind::gelu:
    case OpKind::reshape:
    case OpKind::transpose:
    case OpKind::concat:
    case OpKind::slice:
      return {};
    default:
      return "no datapath unit";
  }
}

PixelOptions PixelOptions::from(const ResolvedOptions& options) {
  PixelOptions p;
  const auto floats = [](const std::vector<double>& v) { return std::vector<float>(v.begin(), v.end()); };
  p.enabled = options.get_choice("fpga.pixels") == "auto";
  p.mean = floats(options.get_numbers("fpga.pixel_mean"));
  p.std = floats(options.get_numbers("fpga.pixel_std"));
  if (p.mean.size() != p.std.size()) throw std::invalid_argument("fpga: fpga.pixel_mean and fpga.pixel_std differ in length");
  for (float s : p.std)
    if (!(s > 0)) throw std::invalid_argument("fpga: fpga.pixel_std must be positive");
  return p;
}

namespace {

class Lowering {
 public:
  Lowering(const Graph& g, const Weights& w, const ResolvedOptions& options)
      : g_(g), w_(w), options_(options), px_(PixelOptions::from(options)) {
    for (const Node& n : g.nodes)
      for (const auto& in : n.inputs) consumers_[in].push_back(&n);
  }

  Program run() {
    for (const auto& in : g_.inputs) prog_.inputs.push_back(buffer(in));
    const bool im2col = im2col_enabled(g_, options_);  // a choice for the whole graph, made once
    for (const Node& n : g_.nodes) {
      if (const std::string why = unsupported_reason(g_, n, im2col); !why.empty())
        throw std::invalid_argument("fpga: node '" + n.name + "' (" + std::string(op_name(n.op)) + ") is not supported by the datapath: " + why);
      prog_.steps.push_back(lower(n));
    }
    for (const auto& out : g_.outputs) prog_.outputs.push_back(buffer(out));
    prog_.weight_values = report_.values;
    prog_.weight_saturated = report_.saturated;
    prog_.first_saturated = report_.first_saturated;
    return std::move(prog_);
  }

 private:
  // The buffer of a tensor: allocated on first use; weights become constant buffers.
  int buffer(const std::string& t) {
    if (auto it = index_.find(t); it != index_.end()) return it->second;
    ActBuffer b;
    b.shape = shape_of(g_, t);
    b.data.resize(static_cast<std::size_t>(numel(b.shape)));
    if (g_.is_weight(t)) {
      const auto v = w_.get(t).data<float>();
      const auto raws = convert<act_t>(v, t, report_);
      for (std::size_t i = 0; i < raws.size(); ++i) b.data[i] = act_t::from_raw(raws[i]);
    }
    const int idx = static_cast<int>(prog_.memory.buffers.size());
    prog_.memory.buffers.push_back(std::move(b));
    index_.emplace(t, idx);
    return idx;
  }

  std::span<const float> weight(const std::string& t) const { return w_.get(t).data<float>(); }

  bool attention_role(const Node& n) const {
    if (const Node* p = g_.producer(n.inputs[0]); p && p->op == OpKind::attention) return true;
    if (auto it = consumers_.find(n.name); it != consumers_.end())
      for (const Node* c : it->second)
        if (c->op == OpKind::attention) return true;
    return false;
  }

  template <hw::FixedPoint BT>
  hw::LinearWeights<hw::wt_linear_t> linear_weights(std::span<const float> w, std::span<const float> b, int out, int in,
                                                    const std::string& name) {
    const auto wr = convert<hw::wt_linear_t>(w, name + ".weight", report_);
    const auto br = convert<BT>(b, name + ".bias", report_);
    return hw::load_linear<hw::wt_linear_t, BT>(wr, br, out, in);
  }

  std::unique_ptr<Step> lower(const Node& n) {
    const int y = buffer(n.name);
    switch (n.op) {
      case OpKind::linear: {
        const auto& a = n.attr<LinearAttrs>();
        const Shape& ws = shape_of(g_, n.inputs[1]);
        const int out = static_cast<int>(ws[0]), in = static_cast<int>(ws[1]);
        const std::span<const float> b = a.has_bias ? weight(n.inputs[2]) : std::span<const float>();
        auto lw = attention_role(n) ? linear_weights<hw::wt_attn_bias_t>(weight(n.inputs[1]), b, out, in, n.name)
                                    : linear_weights<hw::wt_bias_t>(weight(n.inputs[1]), b, out, in, n.name);
        return make_linear_step(n.name, buffer(n.inputs[0]), y, std::move(lw), *out_act(a.act));
      }
      case OpKind::conv2d:
        return is_patch_conv(g_, n) ? lower_patch_embed(n, y) : lower_conv(n, y);
      case OpKind::attention:
        return make_attention_step(n.name, buffer(n.inputs[0]), y, n.attr<AttentionAttrs>().heads);
      case OpKind::layernorm: {
        std::vector<hw::wt_norm_t> gamma, beta;
        for (auto r : convert<hw::wt_norm_t>(weight(n.inputs[1]), n.inputs[1], report_)) gamma.push_back(hw::wt_norm_t::from_raw(r));
        for (auto r : convert<hw::wt_norm_t>(weight(n.inputs[2]), n.inputs[2], report_)) beta.push_back(hw::wt_norm_t::from_raw(r));
        return make_layernorm_step(n.name, buffer(n.inputs[0]), y, std::move(gamma), std::move(beta), n.attr<LayerNormAttrs>().eps);
      }
      case OpKind::moe:
        return lower_moe(n, y);
      case OpKind::add:
        return make_add_step(n.name, buffer(n.inputs[0]), buffer(n.inputs[1]), y);
      case OpKind::gelu:
        return make_gelu_step(n.name, buffer(n.inputs[0]), y);
      case OpKind::reshape:
      case OpKind::transpose:
      case OpKind::concat:
      case OpKind::slice: {
        std::vector<int> ins;
        for (const auto& in : n.inputs) ins.push_back(buffer(in));
        return make_layout_step(n.name, n.op, n.attrs, std::move(ins), y);
      }
      default:
        throw std::logic_error("fpga: lowering reached an unsupported operator");
    }
  }

  std::unique_ptr<Step> lower_patch_embed(const Node& n, int y) {
    const Shape& ws = shape_of(g_, n.inputs[1]);
    const std::int64_t O = ws[0], C = ws[1], k = ws[2], K = C * k * k;
    const auto w = weight(n.inputs[1]);
    std::vector<float> b(static_cast<std::size_t>(O), 0.0f);
    if (n.attr<Conv2dAttrs>().has_bias) std::copy_n(weight(n.inputs[2]).begin(), O, b.begin());

    PatchEmbedWeights pw;
    pw.kernel = static_cast<int>(k);
    const auto wr = convert<hw::wt_patch_embed_t>(w, n.inputs[1], report_);
    const auto br = convert<hw::wt_bias_t>(b, n.name + ".bias", report_);
    pw.plain = hw::load_linear<hw::wt_patch_embed_t, hw::wt_bias_t>(wr, br, static_cast<int>(O), static_cast<int>(K));

    // An image straight from a graph input may arrive as 8-bit pixels p = level/256 with
    // the normalisation folded into the weights (weight_convert.h).
    const std::string& x = n.inputs[0];
    const bool graph_input = std::find(g_.inputs.begin(), g_.inputs.end(), x) != g_.inputs.end();
    if (px_.enabled && graph_input && static_cast<std::int64_t>(px_.mean.size()) == C) {
      const FoldedPatch f = fold_pixel_normalisation(w, b, O, C, k * k, px_.mean, px_.std);
      const auto wfr = convert<hw::wt_patch_embed_t>(f.weight, n.inputs[1] + " (pixel-folded)", report_);
      const auto bfr = convert<hw::wt_bias_t>(f.bias, n.name + ".bias (pixel-folded)", report_);
      pw.folded = hw::load_linear<hw::wt_patch_embed_t, hw::wt_bias_t>(wfr, bfr, static_cast<int>(O), static_cast<int>(K));
      PixelInput pi;
      pi.buffer = buffer(x);
      pi.mean = px_.mean;
      pi.std = px_.std;
      pw.pixel = static_cast<int>(prog_.memory.pixels.size());
      prog_.memory.pixels.push_back(std::move(pi));
    }
    return make_patch_embed_step(n.name, buffer(x), y, std::move(pw));
  }

  std::unique_ptr<Step> lower_conv(const Node& n, int y) {
    const auto& a = n.attr<Conv2dAttrs>();
    const Shape& ws = shape_of(g_, n.inputs[1]);
    const int O = static_cast<int>(ws[0]), K = static_cast<int>(ws[1] * ws[2] * ws[3]);
    const std::span<const float> b = a.has_bias ? weight(n.inputs[2]) : std::span<const float>();
    auto lw = linear_weights<hw::wt_bias_t>(weight(n.inputs[1]), b, O, K, n.name);  // [O][C·kh·kw] is the weight's own layout
    ConvGeometry geo{static_cast<int>(ws[2]), static_cast<int>(ws[3]), a.stride, a.pad, a.dilation};
    return make_conv_step(n.name, buffer(n.inputs[0]), y, geo, std::move(lw), *out_act(a.act));
  }

  std::unique_ptr<Step> lower_moe(const Node& n, int y) {
    const auto& a = n.attr<MoeAttrs>();
    const std::int64_t D = shape_of(g_, n.inputs[0]).back(), E = a.experts, H = a.hidden;
    hw::MoeWeights mw;
    const auto gate_t = transposed(weight(n.inputs[1]), D, E);  // [D, E] → [E, D], as the unit reads it
    mw.gate = linear_weights<hw::wt_bias_t>(gate_t, {}, static_cast<int>(E), static_cast<int>(D), n.inputs[1]);
    const auto w1 = weight(n.inputs[2]), b1 = weight(n.inputs[3]), w2 = weight(n.inputs[4]), b2 = weight(n.inputs[5]);
    for (std::int64_t e = 0; e < E; ++e) {
      const std::string name = n.name + ".expert" + std::to_string(e);
      mw.fc1.push_back(linear_weights<hw::wt_bias_t>(w1.subspan(static_cast<std::size_t>(e * H * D), static_cast<std::size_t>(H * D)),
                                                     b1.subspan(static_cast<std::size_t>(e * H), static_cast<std::size_t>(H)),
                                                     static_cast<int>(H), static_cast<int>(D), name + ".fc1"));
      mw.fc2.push_back(linear_weights<hw::wt_bias_t>(w2.subspan(static_cast<std::size_t>(e * D * H), static_cast<std::size_t>(D * H)),
                                                     b2.subspan(static_cast<std::size_t>(e * D), static_cast<std::size_t>(D)),
                                                     static_cast<int>(D), static_cast<int>(H), name + ".fc2"));
    }
    return make_moe_step(n.name, buffer(n.inputs[0]), y, hw::MoeConfig{a.experts, a.top_k, a.renormalize}, std::move(mw));
  }

  const Graph& g_;
  const Weights& w_;
  const ResolvedOptions& options_;
  PixelOptions px_;
  Program prog_;
  ConversionReport report_;
  std::unordered_map<std::string, int> index_;
  std::unordered_map<std::string, std::vector<const Node*>> consumers_;
};

}  // namespace

Program lower(const Graph& graph, const Weights& weights, const ResolvedOptions& options) {
  graph.validate();
  return Lowering(graph, weights, options).run();
}

std::int64_t stage_input(Program& program, std::size_t input, const Tensor& value) {
  const int idx = program.inputs.at(input);
  ActBuffer& b = program.memory.buffers[static_cast<std::size_t>(idx)];
  if (value.shape() != b.shape)
    throw std::invalid_argument("fpga: input " + std::to_string(input) + " must be " + to_string(b.shape) + ", got " + to_string(value.shape()));
  const Tensor f = value.dtype() == DType::f32 ? value : value.to(DType::f32);
  const auto v = f.data<float>();
  std::int64_t saturated = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    // The host's conversion clamps (the datapath's own type would wrap): counted.
    const bool clamp = act_t::saturates(v[i]);
    saturated += clamp;
    b.data[i] = !clamp ? act_t::from_double(v[i]) : v[i] > 0 ? act_t::max() : act_t::min();
  }
  // Pixel inputs: recover each value's 8-bit level; valid only if the workload's own float
  // expression (level/255 − mean)/std reproduces every value exactly.
  for (PixelInput& p : program.memory.pixels) {
    if (p.buffer != idx) continue;
    const std::int64_t C = b.shape[1], plane = b.shape[2] * b.shape[3];
    p.levels.resize(v.size());
    p.valid = true;
    for (std::size_t i = 0; i < v.size() && p.valid; ++i) {
      const auto c = static_cast<std::size_t>((static_cast<std::int64_t>(i) / plane) % C);
      const auto level = pixel_level(v[i], p.mean[c], p.std[c]);
      p.valid = level.has_value();
      if (level) p.levels[i] = hw::pixel_t::from_raw(*level);
    }
  }
  return saturated;
}

}  // namespace eb::fpga
