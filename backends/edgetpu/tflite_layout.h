// Layouts of our tensors in a TFLite model. Our graphs are NCHW; TFLite's image ops are
// NHWC. A tensor is written to TFLite as a transpose of ours, described by a permutation
// `perm`: TFLite dimension d is our dimension perm[d] (NCHW -> NHWC is {0, 2, 3, 1}).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/tensor.h"

namespace eb::edgetpu {

using Perm = std::vector<int>;

Perm identity_perm(std::size_t rank);
// NHWC ({0, 2, 3, 1}) for rank 4, the identity otherwise.
Perm default_tflite_perm(std::size_t rank);
Perm inverse_perm(std::span<const int> perm);

// shape[perm[d]] for each d. Throws std::invalid_argument if perm is not a permutation of
// the shape's dimensions.
Shape permute_shape(const Shape& shape, std::span<const int> perm);

// Whether the transpose `perm` of a row-major tensor of `shape` leaves its bytes in the
// same order (it only moves dimensions of size 1), so a RESHAPE can stand in for it.
bool keeps_memory_order(const Shape& shape, std::span<const int> perm);

// The row-major data of a tensor of `shape`, transposed by `perm` (element size 1, 4).
std::vector<std::int8_t> permute_data(std::span<const std::int8_t> data, const Shape& shape, std::span<const int> perm);
std::vector<std::int32_t> permute_data(std::span<const std::int32_t> data, const Shape& shape, std::span<const int> perm);

}  // namespace eb::edgetpu
