// Seeded weight and input generation. Same seed and graph → bit-identical tensors on any
// machine: each tensor draws from its own stream derived from (seed, tensor name), and
// only integer arithmetic and correctly rounded IEEE operations are used.
#pragma once

#include <cstdint>
#include <vector>

#include "core/graph.h"
#include "core/weights.h"

namespace eb {

Tensor init_tensor(const WeightSpec& spec, std::uint64_t seed);
// Every weight the graph declares, filled by its WeightInit recipe.
Weights init_weights(const Graph& graph, std::uint64_t seed);
// Uniform values in [lo, hi) for each graph input (by the input's name-derived stream).
std::vector<Tensor> random_inputs(const Graph& graph, std::uint64_t seed, float lo = -1.0f, float hi = 1.0f);

}  // namespace eb
