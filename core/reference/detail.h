// Internals shared by the reference kernel files (one file per family of operators).
// Not part of the public interface: include core/reference/kernels.h instead.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "core/graph.h"

namespace eb::ref::detail {

using Inputs = std::span<const Tensor* const>;

// One kernel per operator family. Inputs are f32 and already shape-checked by eval_node.
Tensor conv2d(const Node& node, Inputs in, const Shape& out_shape);
Tensor linear(const Node& node, Inputs in, const Shape& out_shape);
Tensor matmul(const Node& node, Inputs in, const Shape& out_shape);
Tensor layernorm(const Node& node, Inputs in, const Shape& out_shape);
Tensor softmax(const Node& node, Inputs in, const Shape& out_shape);
Tensor unary(const Node& node, Inputs in, const Shape& out_shape);
Tensor binary(const Node& node, Inputs in, const Shape& out_shape);  // add, mul (broadcasting)
Tensor concat(const Node& node, Inputs in, const Shape& out_shape);
Tensor reshape(const Node& node, Inputs in, const Shape& out_shape);
Tensor transpose(const Node& node, Inputs in, const Shape& out_shape);
Tensor slice(const Node& node, Inputs in, const Shape& out_shape);
Tensor resize_bilinear(const Node& node, Inputs in, const Shape& out_shape);
Tensor global_avg_pool(const Node& node, Inputs in, const Shape& out_shape);
Tensor attention(const Node& node, Inputs in, const Shape& out_shape);
Tensor moe(const Node& node, Inputs in, const Shape& out_shape);

// Normalises a possibly negative axis against `rank` (shape inference already checked it).
inline std::size_t norm_axis(int axis, std::size_t rank) {
  return static_cast<std::size_t>(axis < 0 ? axis + static_cast<int>(rank) : axis);
}

// Product of shape[begin, end).
inline std::int64_t span_numel(const Shape& s, std::size_t begin, std::size_t end) {
  std::int64_t n = 1;
  for (std::size_t i = begin; i < end; ++i) n *= s[i];
  return n;
}

}  // namespace eb::ref::detail
