// Output shape of each operator from its attributes and input shapes.
#pragma once

#include <span>

#include "core/graph.h"

namespace eb {

// Throws std::invalid_argument naming the node and the mismatch (wrong input count,
// incompatible shapes, bad attributes).
Shape infer_shape(const Node& node, std::span<const Shape> input_shapes);

// NumPy-style broadcast of two shapes; throws std::invalid_argument when incompatible.
Shape broadcast_shapes(const Shape& a, const Shape& b);

// Multiply-accumulates one node performs (convolutions, linear layers, matmuls,
// attention and expert layers; zero for element-wise and data-movement ops, as
// published MAdds counts do). MoE counts top_k experts per token plus the gate.
std::int64_t node_macs(const Node& node, std::span<const Shape> input_shapes, const Shape& output_shape);

// Shapes of a node's inputs as recorded in the graph.
std::vector<Shape> input_shapes(const Graph& g, const Node& node);

}  // namespace eb
