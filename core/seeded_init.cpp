#include "core/seeded_init.h"

#include <stdexcept>

#include "core/rng.h"

namespace eb {

Tensor init_tensor(const WeightSpec& spec, std::uint64_t seed) {
  if (spec.dtype != DType::f32)
    throw std::invalid_argument("seeded initialisation of '" + spec.name + "': only f32 weights are generated");
  Tensor t(DType::f32, spec.shape);
  auto v = t.data<float>();
  switch (spec.init.kind) {
    case WeightInit::Kind::constant:
      for (auto& x : v) x = static_cast<float>(spec.init.lo);
      break;
    case WeightInit::Kind::uniform: {
      Rng rng(derive_seed(seed, spec.name));
      const float lo = static_cast<float>(spec.init.lo), hi = static_cast<float>(spec.init.hi);
      for (auto& x : v) x = rng.uniform(lo, hi);
      break;
    }
  }
  return t;
}

Weights init_weights(const Graph& graph, std::uint64_t seed) {
  Weights w;
  for (const auto& spec : graph.weights) w.set(spec.name, init_tensor(spec, seed));
  return w;
}

std::vector<Tensor> random_inputs(const Graph& graph, std::uint64_t seed, float lo, float hi) {
  std::vector<Tensor> out;
  for (const auto& name : graph.inputs) {
    const auto& info = graph.info(name);
    Tensor t(DType::f32, info.shape);
    Rng rng(derive_seed(seed, "input:" + name));
    for (auto& x : t.data<float>()) x = rng.uniform(lo, hi);
    out.push_back(info.dtype == DType::f32 ? std::move(t) : t.to(info.dtype));
  }
  return out;
}

}  // namespace eb
