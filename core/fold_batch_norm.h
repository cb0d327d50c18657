// Batch-norm folding: conv2d nodes that carry batch-norm statistics become plain
// convolutions with bias, w' = w·γ/√(σ²+ε) and b' = (b − μ)·γ/√(σ²+ε) + β, computed in
// double. Models declare batch norm (so parameter counts match published ones); every
// backend compiles the folded graph.
#pragma once

#include <utility>

#include "core/graph.h"
#include "core/weights.h"

namespace eb {

struct FoldedModel {
  Graph graph;
  Weights weights;
};

// Returns a graph with no batch norm left and the weights it needs (unused ones dropped).
FoldedModel fold_batch_norm(const Graph& graph, const Weights& weights);

}  // namespace eb
