#include "backends/edgetpu/calibration.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <unordered_map>

#include "core/reference/kernels.h"
#include "core/rng.h"

namespace eb::edgetpu {
namespace {

void widen(std::map<std::string, Range>& ranges, const std::string& name, const Tensor& t) {
  auto d = t.data<float>();
  if (d.empty()) return;
  auto [lo, hi] = std::minmax_element(d.begin(), d.end());
  auto it = ranges.find(name);
  if (it == ranges.end()) {
    ranges.emplace(name, Range{*lo, *hi});
  } else {
    it->second.min = std::min(it->second.min, *lo);
    it->second.max = std::max(it->second.max, *hi);
  }
}

Activation fused_act(const Node& n) {
  if (n.op == OpKind::conv2d) return n.attr<Conv2dAttrs>().act;
  if (n.op == OpKind::linear) return n.attr<LinearAttrs>().act;
  return Activation::none;
}

Node without_act(const Node& n) {
  Node m = n;
  if (n.op == OpKind::conv2d) std::get<Conv2dAttrs>(m.attrs).act = Activation::none;
  if (n.op == OpKind::linear) std::get<LinearAttrs>(m.attrs).act = Activation::none;
  return m;
}

}  // namespace

std::string preact_name(const std::string& node) { return node + ":preact"; }

bool activation_is_separate(Activation a) {
  return a == Activation::hardswish || a == Activation::sigmoid || a == Activation::hardsigmoid || a == Activation::gelu;
}

CalibrationSettings CalibrationSettings::from(const ResolvedOptions& options) {
  CalibrationSettings s;
  s.samples = static_cast<int>(options.get_int("edgetpu.calibration"));
  s.seed = static_cast<std::uint64_t>(options.get_int("edgetpu.calibration.seed"));
  const std::vector<double>& range = options.get_numbers("edgetpu.calibration.range");
  if (range.size() != 2) throw std::invalid_argument("edgetpu: edgetpu.calibration.range must be 'lo,hi'");
  s.input_lo = static_cast<float>(range[0]);
  s.input_hi = static_cast<float>(range[1]);
  if (!(s.input_lo < s.input_hi)) throw std::invalid_argument("edgetpu: edgetpu.calibration.range needs lo < hi");
  return s;
}

std::vector<Tensor> representative_inputs(const Graph& graph, const CalibrationSettings& s, int sample) {
  std::vector<Tensor> out;
  const float lo = s.input_lo;
  const float span = s.input_hi - s.input_lo;
  for (const auto& name : graph.inputs) {
    const Shape& shape = graph.info(name).shape;
    Tensor t(DType::f32, shape);
    auto d = t.data<float>();
    Rng rng(derive_seed(s.seed, "edgetpu.calibration:" + name + ":" + std::to_string(sample)));
    if (shape.size() == 4 && shape[2] > 1 && shape[3] > 1) {
      const std::int64_t n = shape[0], c = shape[1], h = shape[2], w = shape[3];
      for (std::int64_t b = 0; b < n; ++b) {
        struct Rect {
          std::int64_t y0, x0, y1, x1;
          std::vector<float> level;
        };
        std::vector<Rect> rects(4);
        for (auto& r : rects) {
          r.y0 = static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(h)));
          r.x0 = static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(w)));
          r.y1 = std::min(h, r.y0 + 1 + static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(h / 2 + 1))));
          r.x1 = std::min(w, r.x0 + 1 + static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(w / 2 + 1))));
          for (std::int64_t ch = 0; ch < c; ++ch) r.level.push_back(rng.uniform01());
        }
        for (std::int64_t ch = 0; ch < c; ++ch) {
          const float top = rng.uniform01(), bottom = rng.uniform01();
          float* plane = d.data() + (b * c + ch) * h * w;
          for (std::int64_t y = 0; y < h; ++y)
            for (std::int64_t x = 0; x < w; ++x) {
              float v = top + (bottom - top) * static_cast<float>(y) / static_cast<float>(h - 1);
              for (const auto& r : rects)
                if (y >= r.y0 && y < r.y1 && x >= r.x0 && x < r.x1) v = r.level[static_cast<std::size_t>(ch)];
              v = std::clamp(v + 0.04f * (rng.uniform01() - 0.5f), 0.0f, 1.0f);
              plane[y * w + x] = lo + span * v;
            }
        }
      }
    } else {
      for (auto& v : d) v = lo + span * rng.uniform01();
    }
    out.push_back(std::move(t));
  }
  return out;
}

std::unordered_map<std::string, Tensor> f32_weights(const Graph& graph, const Weights& weights) {
  std::unordered_map<std::string, Tensor> wf;
  for (const auto& spec : graph.weights) {
    const Tensor& t = weights.get(spec.name);
    wf.emplace(spec.name, t.dtype() == DType::f32 ? t : t.to(DType::f32));
  }
  return wf;
}

std::unordered_map<std::string, std::size_t> last_uses(const Graph& graph) {
  std::unordered_map<std::string, std::size_t> last_use;
  for (std::size_t i = 0; i < graph.nodes.size(); ++i)
    for (const auto& in : graph.nodes[i].inputs) last_use[in] = i;
  return last_use;
}

void node_args(const Node& node, const std::unordered_map<std::string, Tensor>& env,
               const std::unordered_map<std::string, Tensor>& weights, std::vector<const Tensor*>& args) {
  args.clear();
  for (const auto& in : node.inputs) {
    if (auto it = env.find(in); it != env.end()) args.push_back(&it->second);
    else args.push_back(&weights.at(in));
  }
}

std::map<std::string, Range> calibrate_on(const Graph& graph, const Weights& weights,
                                          const std::vector<std::vector<Tensor>>& samples) {
  const auto wf = f32_weights(graph, weights);
  // Free each activation after its last reader, so calibrating a large model stays small.
  const auto last_use = last_uses(graph);

  std::map<std::string, Range> ranges;
  for (const auto& inputs : samples) {
    if (inputs.size() != graph.inputs.size())
      throw std::invalid_argument("edgetpu: calibration sample has " + std::to_string(inputs.size()) + " inputs, graph '" + graph.name +
                                  "' takes " + std::to_string(graph.inputs.size()));
    std::unordered_map<std::string, Tensor> env;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      env.insert_or_assign(graph.inputs[i], inputs[i].dtype() == DType::f32 ? inputs[i] : inputs[i].to(DType::f32));
      widen(ranges, graph.inputs[i], env.at(graph.inputs[i]));
    }
    std::vector<const Tensor*> args;
    for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
      const Node& node = graph.nodes[i];
      node_args(node, env, wf, args);
      const Shape& shape = graph.info(node.name).shape;
      const Activation act = fused_act(node);
      Tensor out;
      if (activation_is_separate(act)) {
        out = ref::eval_node(without_act(node), args, shape);
        widen(ranges, preact_name(node.name), out);
        for (auto& v : out.data<float>()) v = static_cast<float>(ref::apply_activation(act, v));
      } else {
        out = ref::eval_node(node, args, shape);
      }
      widen(ranges, node.name, out);
      env.insert_or_assign(node.name, std::move(out));
      for (const auto& in : node.inputs)
        if (auto lu = last_use.find(in); lu != last_use.end() && lu->second == i) env.erase(in);
    }
  }
  return ranges;
}

std::map<std::string, Range> calibrate(const Graph& graph, const Weights& weights, const CalibrationSettings& s) {
  // One sample at a time keeps memory to one set of activations.
  std::map<std::string, Range> ranges;
  for (int k = 0; k < s.samples; ++k) {
    auto r = calibrate_on(graph, weights, {representative_inputs(graph, s, k)});
    for (const auto& [name, range] : r) {
      auto it = ranges.find(name);
      if (it == ranges.end()) ranges.emplace(name, range);
      else {
        it->second.min = std::min(it->second.min, range.min);
        it->second.max = std::max(it->second.max, range.max);
      }
    }
  }
  return ranges;
}

}  // namespace eb::edgetpu
