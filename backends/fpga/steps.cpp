#include "backends/fpga/steps.h"

#include <algorithm>
#include <optional>
#include <stdexcept>

namespace eb::fpga {
namespace {

using hw::act_t;
using hw::ActRows;
using hw::ConstActRows;
using hw::UnitStats;

int to_int(std::int64_t v) { return static_cast<int>(v); }

ActRows rows_of(ActBuffer& b, std::int64_t cols) {
  const std::int64_t rows = cols == 0 ? 0 : static_cast<std::int64_t>(b.data.size()) / cols;
  return {b.data, to_int(rows), to_int(cols), to_int(cols)};
}
ConstActRows const_rows_of(const ActBuffer& b, std::int64_t cols) {
  const std::int64_t rows = cols == 0 ? 0 : static_cast<std::int64_t>(b.data.size()) / cols;
  return {b.data, to_int(rows), to_int(cols), to_int(cols)};
}
// Rows [first, first + n) of a [*, cols] buffer.
template <class T>
hw::RowsView<T> row_range(std::span<T> data, std::int64_t first, std::int64_t n, std::int64_t cols) {
  return {data.subspan(static_cast<std::size_t>(first * cols), static_cast<std::size_t>(n * cols)), to_int(n), to_int(cols), to_int(cols)};
}

class LinearStep final : public Step {
 public:
  LinearStep(std::string node, int x, int y, hw::LinearWeights<hw::wt_linear_t> w, hw::OutAct act)
      : Step(std::move(node), Unit::linear), x_(x), y_(y), w_(std::move(w)), act_(act) {}

  StepReport run(Memory& m) override {
    const ConstActRows x = const_rows_of(m.buffers[static_cast<std::size_t>(x_)], w_.in_dim);
    const ActRows y = rows_of(m.buffers[static_cast<std::size_t>(y_)], w_.out_dim);
    return {hw::linear_unit(hw::LinearCall{x.rows, act_, hw::LinearStore::store}, w_, x, {}, y), {}, 0};
  }

 private:
  int x_, y_;
  hw::LinearWeights<hw::wt_linear_t> w_;
  hw::OutAct act_;
};

class ConvStep final : public Step {
 public:
  ConvStep(std::string node, int x, int y, ConvGeometry g, hw::LinearWeights<hw::wt_linear_t> w, hw::OutAct act)
      : Step(std::move(node), Unit::conv), x_(x), y_(y), g_(g), w_(std::move(w)), act_(act) {}

  StepReport run(Memory& m) override {
    const ActBuffer& xb = m.buffers[static_cast<std::size_t>(x_)];
    ActBuffer& yb = m.buffers[static_cast<std::size_t>(y_)];
    const std::int64_t B = xb.shape[0], C = xb.shape[1], H = xb.shape[2], W = xb.shape[3];
    const std::int64_t O = yb.shape[1], OH = yb.shape[2], OW = yb.shape[3], K = w_.in_dim, P = OH * OW;
    const std::int64_t chunk = std::min<std::int64_t>(P, kChunkRows);
    cols_.resize(static_cast<std::size_t>(chunk * K));
    out_.resize(static_cast<std::size_t>(chunk * O));
    StepReport rep;
    for (std::int64_t b = 0; b < B; ++b)
      for (std::int64_t p0 = 0; p0 < P; p0 += chunk) {
        const std::int64_t n = std::min(chunk, P - p0);
        for (std::int64_t r = 0; r < n; ++r) {  // im2col: the window of output pixel p0 + r, zero outside
          const std::int64_t oy = (p0 + r) / OW, ox = (p0 + r) % OW;
          act_t* row = cols_.data() + r * K;
          for (std::int64_t c = 0; c < C; ++c)
            for (int i = 0; i < g_.kh; ++i)
              for (int j = 0; j < g_.kw; ++j) {
                const std::int64_t iy = oy * g_.stride[0] - g_.pad[0] + i * g_.dilation[0];
                const std::int64_t ix = ox * g_.stride[1] - g_.pad[1] + j * g_.dilation[1];
                const bool inside = iy >= 0 && iy < H && ix >= 0 && ix < W;
                row[(c * g_.kh + i) * g_.kw + j] = inside ? xb.data[static_cast<std::size_t>(((b * C + c) * H + iy) * W + ix)] : act_t();
              }
        }
        UnitStats s = hw::linear_unit(hw::LinearCall{to_int(n), act_, hw::LinearStore::store}, w_, ConstActRows{cols_, to_int(n), to_int(K), to_int(K)},
                                      {}, ActRows{out_, to_int(n), to_int(O), to_int(O)});
        if (b > 0 || p0 > 0) s.weight_bytes = 0;  // the layer's weights stay on chip
        rep.stats += s;
        for (std::int64_t r = 0; r < n; ++r)
          for (std::int64_t o = 0; o < O; ++o) yb.data[static_cast<std::size_t>((b * O + o) * P + p0 + r)] = out_[static_cast<std::size_t>(r * O + o)];
      }
    rep.stats.act_read_bytes = B * C * H * W * 4;  // the feature map is read once (line buffers)
    return rep;
  }

 private:
  static constexpr std::int64_t kChunkRows = 512;  // output pixels per pass through the unit
  int x_, y_;
  ConvGeometry g_;
  hw::LinearWeights<hw::wt_linear_t> w_;
  hw::OutAct act_;
  std::vector<act_t> cols_, out_;
};

class PatchEmbedStep final : public Step {
 public:
  PatchEmbedStep(std::string node, int x, int y, PatchEmbedWeights w) : Step(std::move(node), Unit::patch_embed), x_(x), y_(y), w_(std::move(w)) {}

  StepReport run(Memory& m) override {
    const ActBuffer& xb = m.buffers[static_cast<std::size_t>(x_)];
    ActBuffer& yb = m.buffers[static_cast<std::size_t>(y_)];
    const std::int64_t B = xb.shape[0], C = xb.shape[1], H = xb.shape[2], W = xb.shape[3], k = w_.kernel;
    const std::int64_t gh = H / k, gw = W / k, P = gh * gw, K = C * k * k, O = yb.shape[1];
    const PixelInput* px = w_.pixel >= 0 ? &m.pixels[static_cast<std::size_t>(w_.pixel)] : nullptr;
    const bool pixels = px && px->valid && w_.folded;
    const auto& weights = pixels ? *w_.folded : w_.plain;
    cols_.resize(static_cast<std::size_t>(P * K));
    tokens_.resize(static_cast<std::size_t>(P * O));
    StepReport rep;
    for (std::int64_t b = 0; b < B; ++b) {
      // im2col: one row of C·k·k values per patch, in the weight's (c, kh, kw) order. A
      // pixel k/256 is exact in act_t (k << 14).
      for (std::int64_t p = 0; p < P; ++p)
        for (std::int64_t c = 0; c < C; ++c)
          for (std::int64_t i = 0; i < k; ++i)
            for (std::int64_t j = 0; j < k; ++j) {
              const std::int64_t src = ((b * C + c) * H + (p / gw) * k + i) * W + (p % gw) * k + j;
              act_t& dst = cols_[static_cast<std::size_t>(p * K + (c * k + i) * k + j)];
              dst = pixels ? act_t::quantize(px->levels[static_cast<std::size_t>(src)]) : xb.data[static_cast<std::size_t>(src)];
            }
      UnitStats s = hw::linear_unit(hw::LinearCall{to_int(P), hw::OutAct::none, hw::LinearStore::store}, weights, ConstActRows{cols_, to_int(P), to_int(K), to_int(K)},
                                    {}, ActRows{tokens_, to_int(P), to_int(O), to_int(O)});
      if (pixels) s.act_read_bytes = C * H * W;  // the image is read as 8-bit pixels
      if (b > 0) s.weight_bytes = 0;            // weights stay on chip across images
      rep.stats += s;
      // The unit writes channel-major (NCHW) as the graph's conv output is laid out.
      for (std::int64_t p = 0; p < P; ++p)
        for (std::int64_t o = 0; o < O; ++o) yb.data[static_cast<std::size_t>((b * O + o) * P + p)] = tokens_[static_cast<std::size_t>(p * O + o)];
    }
    return rep;
  }

 private:
  int x_, y_;
  PatchEmbedWeights w_;
  std::vector<act_t> cols_, tokens_;  // im2col rows and token-major results (on chip)
};

class AttentionStep final : public Step {
 public:
  AttentionStep(std::string node, int qkv, int y, int heads) : Step(std::move(node), Unit::attention), qkv_(qkv), y_(y), heads_(heads) {}

  StepReport run(Memory& m) override {
    const ActBuffer& xb = m.buffers[static_cast<std::size_t>(qkv_)];
    ActBuffer& yb = m.buffers[static_cast<std::size_t>(y_)];
    const std::int64_t T = xb.shape[xb.shape.size() - 2], D3 = xb.shape.back(), D = D3 / 3;
    const std::int64_t B = static_cast<std::int64_t>(xb.data.size()) / (T * D3);
    const hw::AttentionShape shape{to_int(T), heads_, to_int(D / heads_)};
    scores_.resize(static_cast<std::size_t>(heads_ * T * T));
    stats_.resize(static_cast<std::size_t>(heads_ * T));
    StepReport rep;
    for (std::int64_t b = 0; b < B; ++b)
      rep.stats += hw::attention_unit<hw::kAttnParallel>(shape, row_range(std::span<const act_t>(xb.data), b * T, T, D3),
                                                         row_range(std::span<act_t>(yb.data), b * T, T, D), scores_, stats_);
    return rep;
  }

 private:
  int qkv_, y_, heads_;
  std::vector<act_t> scores_;            // the attention-score buffer (DDR)
  std::vector<hw::SoftmaxStats> stats_;  // (1/S, m) per row
};

class LayerNormStep final : public Step {
 public:
  LayerNormStep(std::string node, int x, int y, std::vector<hw::wt_norm_t> g, std::vector<hw::wt_norm_t> b, double eps)
      : Step(std::move(node), Unit::layernorm), x_(x), y_(y), gamma_(std::move(g)), beta_(std::move(b)), eps_(eps) {}

  StepReport run(Memory& m) override {
    const auto D = static_cast<std::int64_t>(gamma_.size());
    return {hw::layernorm_unit({gamma_, beta_, eps_}, const_rows_of(m.buffers[static_cast<std::size_t>(x_)], D),
                               rows_of(m.buffers[static_cast<std::size_t>(y_)], D)),
            {}, 0};
  }

 private:
  int x_, y_;
  std::vector<hw::wt_norm_t> gamma_, beta_;
  double eps_;
};

class MoeStep final : public Step {
 public:
  MoeStep(std::string node, int x, int y, hw::MoeConfig c, hw::MoeWeights w)
      : Step(std::move(node), Unit::moe), x_(x), y_(y), config_(c), weights_(std::move(w)) {}

  StepReport run(Memory& m) override {
    const ActBuffer& xb = m.buffers[static_cast<std::size_t>(x_)];
    ActBuffer& yb = m.buffers[static_cast<std::size_t>(y_)];
    const std::int64_t D = xb.shape.back(), T = xb.shape.size() >= 2 ? xb.shape[xb.shape.size() - 2] : 1;
    const std::int64_t B = static_cast<std::int64_t>(xb.data.size()) / (T * D);
    const std::int64_t H = weights_.fc1.front().out_dim;
    logits_.resize(static_cast<std::size_t>(T * config_.experts));
    hidden_.resize(static_cast<std::size_t>(T * H));
    if (!queues_ || queues_->capacity() < T) queues_.emplace(to_int(T));
    StepReport rep;
    for (std::int64_t b = 0; b < B; ++b) {
      const hw::MoeStats ms = hw::moe_unit(config_, weights_, row_range(std::span<const act_t>(xb.data), b * T, T, D),
                                           row_range(std::span<act_t>(yb.data), b * T, T, D),
                                           ActRows{logits_, to_int(T), config_.experts, config_.experts}, ActRows{hidden_, to_int(T), to_int(H), to_int(H)},
                                           *queues_);
      rep.stats += ms.gate;
      for (int e : queues_->active()) {
        rep.pipelined.push_back(ms.expert[static_cast<std::size_t>(e)]);
        rep.stats += ms.expert[static_cast<std::size_t>(e)];
      }
      rep.active_experts += ms.active;
    }
    return rep;
  }

 private:
  int x_, y_;
  hw::MoeConfig config_;
  hw::MoeWeights weights_;
  std::vector<act_t> logits_, hidden_;
  std::optional<hw::ExpertQueues> queues_;
};

class AddStep final : public Step {
 public:
  AddStep(std::string node, int a, int b, int y) : Step(std::move(node), Unit::add), a_(a), b_(b), y_(y) {}

  StepReport run(Memory& m) override {
    const ActBuffer& a = m.buffers[static_cast<std::size_t>(a_)];
    const ActBuffer& b = m.buffers[static_cast<std::size_t>(b_)];
    const bool swap = b.data.size() > a.data.size();  // saturating addition commutes
    return {hw::add_unit(swap ? b.data : a.data, swap ? a.data : b.data, m.buffers[static_cast<std::size_t>(y_)].data), {}, 0};
  }

 private:
  int a_, b_, y_;
};

class GeluStep final : public Step {
 public:
  GeluStep(std::string node, int x, int y) : Step(std::move(node), Unit::gelu), x_(x), y_(y) {}
  StepReport run(Memory& m) override {
    return {hw::gelu_unit(m.buffers[static_cast<std::size_t>(x_)].data, m.buffers[static_cast<std::size_t>(y_)].data), {}, 0};
  }

 private:
  int x_, y_;
};

std::int64_t span_numel(const Shape& s, std::size_t begin, std::size_t end) {
  std::int64_t n = 1;
  for (std::size_t i = begin; i < end; ++i) n *= s[i];
  return n;
}

std::size_t norm_axis(int axis, std::size_t rank) { return static_cast<std::size_t>(axis < 0 ? axis + static_cast<int>(rank) : axis); }

class LayoutStep final : public Step {
 public:
  LayoutStep(std::string node, OpKind op, OpAttrs attrs, std::vector<int> inputs, int y)
      : Step(std::move(node), Unit::layout), op_(op), attrs_(std::move(attrs)), inputs_(std::move(inputs)), y_(y) {}

  StepReport run(Memory& m) override {
    ActBuffer& y = m.buffers[static_cast<std::size_t>(y_)];
    const ActBuffer& x = m.buffers[static_cast<std::size_t>(inputs_.front())];
    switch (op_) {
      case OpKind::reshape:
        std::copy(x.data.begin(), x.data.end(), y.data.begin());
        break;
      case OpKind::transpose:
        transpose(x, std::get<TransposeAttrs>(attrs_).perm, y);
        break;
      case OpKind::slice: {
        const auto& a = std::get<SliceAttrs>(attrs_);
        const std::size_t axis = norm_axis(a.axis, x.shape.size());
        const std::int64_t outer = span_numel(x.shape, 0, axis), inner = span_numel(x.shape, axis + 1, x.shape.size());
        const std::int64_t len = x.shape[axis], n = y.shape[axis];
        for (std::int64_t o = 0; o < outer; ++o)
          std::copy_n(x.data.begin() + (o * len + a.start) * inner, n * inner, y.data.begin() + o * n * inner);
        break;
      }
      case OpKind::concat: {
        const std::size_t axis = norm_axis(std::get<ConcatAttrs>(attrs_).axis, y.shape.size());
        const std::int64_t outer = span_numel(y.shape, 0, axis), inner = span_numel(y.shape, axis + 1, y.shape.size());
        std::int64_t offset = 0;
        for (int in : inputs_) {
          const ActBuffer& part = m.buffers[static_cast<std::size_t>(in)];
          const std::int64_t chunk = part.shape[axis] * inner;
          for (std::int64_t o = 0; o < outer; ++o)
            std::copy_n(part.data.begin() + o * chunk, chunk, y.data.begin() + o * y.shape[axis] * inner + offset);
          offset += chunk;
        }
        break;
      }
      default:
        throw std::logic_error("fpga: not a layout operator");
    }
    return {};
  }

 private:
  static void transpose(const ActBuffer& x, const std::vector<int>& perm, ActBuffer& y) {
    const std::size_t r = x.shape.size();
    std::vector<std::int64_t> in_stride(r, 1), idx(r, 0);
    for (std::size_t d = r; d-- > 1;) in_stride[d - 1] = in_stride[d] * x.shape[d];
    for (std::size_t i = 0; i < y.data.size(); ++i) {
      std::int64_t src = 0;
      for (std::size_t d = 0; d < r; ++d) src += idx[d] * in_stride[static_cast<std::size_t>(perm[d])];
      y.data[i] = x.data[static_cast<std::size_t>(src)];
      for (std::size_t d = r; d-- > 0;) {  // next output index
        if (++idx[d] < y.shape[d]) break;
        idx[d] = 0;
      }
    }
  }

  OpKind op_;
  OpAttrs attrs_;
  std::vector<int> inputs_;
  int y_;
};

}  // namespace

std::string_view unit_name(Unit u) {
  switch (u) {
    case Unit::linear: return "linear";
    case Unit::patch_embed: return "patch_embed";
    case Unit::conv: return "conv";
    case Unit::attention: return "attention";
    case Unit::layernorm: return "layernorm";
    case Unit::moe: return "moe";
    case Unit::add: return "add";
    case Unit::gelu: return "gelu";
    case Unit::layout: return "layout";
  }
  return "?";
}

std::unique_ptr<Step> make_linear_step(std::string node, int x, int y, hw::LinearWeights<hw::wt_linear_t> weights, hw::OutAct act) {
  return std::make_unique<LinearStep>(std::move(node), x, y, std::move(weights), act);
}
std::unique_ptr<Step> make_conv_step(std::string node, int x, int y, ConvGeometry geometry, hw::LinearWeights<hw::wt_linear_t> weights,
                                     hw::OutAct act) {
  return std::make_unique<ConvStep>(std::move(node), x, y, geometry, std::move(weights), act);
}
std::unique_ptr<Step> make_patch_embed_step(std::string node, int x, int y, PatchEmbedWeights weights) {
  return std::make_unique<PatchEmbedStep>(std::move(node), x, y, std::move(weights));
}
std::unique_ptr<Step> make_attention_step(std::string node, int qkv, int y, int heads) {
  return std::make_unique<AttentionStep>(std::move(node), qkv, y, heads);
}
std::unique_ptr<Step> make_layernorm_step(std::string node, int x, int y, std::vector<hw::wt_norm_t> gamma,
                                          std::vector<hw::wt_norm_t> beta, double eps) {
  return std::make_unique<LayerNormStep>(std::move(node), x, y, std::move(gamma), std::move(beta), eps);
}
std::unique_ptr<Step> make_moe_step(std::string node, int x, int y, hw::MoeConfig config, hw::MoeWeights weights) {
  return std::make_unique<MoeStep>(std::move(node), x, y, config, std::move(weights));
}
std::unique_ptr<Step> make_add_step(std::string node, int a, int b, int y) { return std::make_unique<AddStep>(std::move(node), a, b, y); }
std::unique_ptr<Step> make_gelu_step(std::string node, int x, int y) { return std::make_unique<GeluStep>(std::move(node), x, y); }
std::unique_ptr<Step> make_layout_step(std::string node, OpKind op, OpAttrs attrs, std::vector<int> inputs, int y) {
  return std::make_unique<LayoutStep>(std::move(node), op, std::move(attrs), std::move(inputs), y);
}

}  // namespace eb::fpga
