// Reference kernels: one function per operator, fp32 storage, fp64 accumulation.
#pragma once

#include <span>

#include "core/graph.h"

namespace eb::ref {

// Computes `node` from its input tensors (in Node::inputs order) into a tensor of
// `out_shape`. Inputs must be f32. Throws std::invalid_argument on a shape mismatch.
Tensor eval_node(const Node& node, std::span<const Tensor* const> inputs, const Shape& out_shape);

// Scalar activation functions shared by the kernels (and usable as oracles in tests).
double apply_activation(Activation a, double x);

}  // namespace eb::ref
