// Which nodes the Edge TPU runs, as the Edge TPU compiler decides it (Coral's "TensorFlow
// models on the Edge TPU": supported operations and the partitioning rule).
//
// An op is mappable when the compiler has an Edge TPU kernel for it (conv, depthwise
// conv, fully connected, add, mul, concatenation, reshape, transpose, slice, ReLU, ReLU6,
// hard-swish, logistic, average pooling / mean, resize bilinear) and its activation
// tensors have at most three dimensions larger than 1. GELU, layer norm, batched matmul
// (attention), softmax with top-k gating (MoE) are not mapped.
//
// The compiler then cuts the graph at the FIRST unmappable op in topological order:
// everything from there on runs on the host CPU, even ops the TPU could run, because the
// compiler delegates one contiguous prefix of the graph. So the backend claims the nodes
// before the first unmappable one, found once per graph (claim_before_cut).
#pragma once

#include <optional>
#include <string>

#include "core/backend.h"
#include "core/graph.h"

namespace eb::edgetpu {

// Whether the Edge TPU compiler maps this node on its own (ignoring the cut); when not,
// `why` (if given) says why ("layernorm: no Edge TPU kernel").
bool op_mappable(const Graph& graph, const Node& node, std::string* why = nullptr);

struct Cut {
  std::size_t index = 0;  // index of the first unmappable node (== nodes.size() when none)
  std::string node;       // its name; empty when none
  std::string reason;     // why it is unmappable
};

// Where the compiler cuts `graph`.
Cut find_cut(const Graph& graph);

// The nodes before the cut, as Backend::claim answers: the cut node's reason, and for each
// node after it its own reason when it is unmappable too, else "after the Edge TPU
// compiler's cut at 'NODE'". One pass over the graph.
Capability claim_before_cut(const Graph& graph);

// "all 312 nodes map to the Edge TPU" or "cut at node 'blocks.0.norm1' (layernorm: ...):
// 3 of 118 nodes on the Edge TPU, 115 on the host (also unmappable after the cut: gelu, moe)".
std::string describe_cut(const Graph& graph);

}  // namespace eb::edgetpu
