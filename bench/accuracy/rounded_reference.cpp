#include "bench/accuracy/rounded_reference.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include "core/reference/kernels.h"

namespace eb::bench {
namespace {

void check_storage(DType storage) {
  if (storage != DType::f32 && storage != DType::f16 && storage != DType::bf16)
    throw std::invalid_argument("rounded reference: storage must be f32, f16 or bf16, got " + std::string(dtype_name(storage)));
}

}  // namespace

std::vector<Tensor> run_reference_rounded(const Graph& graph, const Weights& weights, std::span<const Tensor> inputs,
                                          DType storage) {
  check_storage(storage);
  graph.validate();
  // Every tensor as f32 holding a value representable in `storage`.
  const auto stored = [storage](const Tensor& t) {
    const Tensor f = t.dtype() == DType::f32 ? t : t.to(DType::f32);
    return storage == DType::f32 ? f : f.to(storage).to(DType::f32);
  };
  if (inputs.size() != graph.inputs.size())
    throw std::invalid_argument("rounded reference: graph '" + graph.name + "' takes " + std::to_string(graph.inputs.size()) +
                                " inputs, got " + std::to_string(inputs.size()));
  std::unordered_map<std::string, Tensor> env;
  for (const auto& spec : graph.weights) {
    const Tensor& w = weights.get(spec.name);
    if (w.shape() != spec.shape)
      throw std::invalid_argument("rounded reference: weight '" + spec.name + "' is " + to_string(w.shape()) + ", graph declares " +
                                  to_string(spec.shape));
    env.insert_or_assign(spec.name, stored(w));
  }
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const Shape& want = graph.info(graph.inputs[i]).shape;
    if (inputs[i].shape() != want)
      throw std::invalid_argument("rounded reference: input '" + graph.inputs[i] + "' must be " + to_string(want) + ", got " +
                                  to_string(inputs[i].shape()));
    env.insert_or_assign(graph.inputs[i], stored(inputs[i]));
  }
  // Activations are freed after their last reader (M³ViT's would not all fit otherwise).
  std::unordered_map<std::string, std::size_t> last_use;
  for (std::size_t i = 0; i < graph.nodes.size(); ++i)
    for (const auto& in : graph.nodes[i].inputs) last_use[in] = i;
  for (const auto& out : graph.outputs) last_use.erase(out);

  std::vector<const Tensor*> args;
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& node = graph.nodes[i];
    args.clear();
    for (const auto& in : node.inputs) args.push_back(&env.at(in));
    Tensor out = stored(ref::eval_node(node, args, graph.info(node.name).shape));
    env.insert_or_assign(node.name, std::move(out));
    for (const auto& in : node.inputs)
      if (auto it = last_use.find(in); it != last_use.end() && it->second == i && !graph.is_weight(in)) env.erase(in);
  }
  std::vector<Tensor> outputs;
  outputs.reserve(graph.outputs.size());
  for (const auto& name : graph.outputs) outputs.push_back(env.at(name));
  return outputs;
}

double rounding_tolerance(DType storage, double emulated) {
  check_storage(storage);
  if (storage == DType::f32) return 1e-4;
  if (std::isnan(emulated)) return emulated;
  const double unit_roundoff = storage == DType::f16 ? std::ldexp(1.0, -11) : std::ldexp(1.0, -8);
  return std::max(3.0 * emulated, 2.0 * unit_roundoff);
}

}  // namespace eb::bench
