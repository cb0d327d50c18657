// Expert load: how many token-slots each expert of each MoE layer receives on a given
// input — the quantity that decides how long an MoE layer takes on Edge-MoE (experts are
// streamed in one by one for the tokens routed to them) and whether seeded weights route
// like a trained network (no expert should take most of the tokens).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/graph.h"
#include "core/weights.h"

namespace eb::m3vit {

struct LayerLoad {
  int block = 0;                      // transformer block of the MoE node (1, 3, …, 11)
  std::vector<std::int64_t> counts;   // token-slots per expert; each token fills top_k slots

  std::int64_t slots() const;         // Σ counts = batch · tokens · top_k
  double max_share() const;           // max(counts) / slots()
};

// Runs `graph` (an M³ViT backbone or full model; only the nodes up to its last MoE node)
// on the reference backend, captures each MoE node's input, recomputes its gate in double
// (softmax over the experts, top_k, ties to the lower index, as the moe operator defines)
// and counts the slots per expert. One entry per MoE node, in graph order.
std::vector<LayerLoad> expert_load(const Graph& graph, const Weights& weights, std::span<const Tensor> inputs);

// [{"block": 1, "counts": [...], "max_share": 0.19}, ...]
nlohmann::json to_json(std::span<const LayerLoad> load);

}  // namespace eb::m3vit
