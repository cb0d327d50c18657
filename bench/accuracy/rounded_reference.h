// What a backend that stores tensors in 16 bits can be expected to get: the reference run
// with every weight, graph input and node output rounded to the storage type (round to
// nearest even) and each node still computed in fp32 storage with fp64 accumulation.
//
// A 16-bit backend rounds at about the same points (it stores every activation and most
// weights in 16 bits and accumulates in fp32), so its distance from the fp32 reference is
// of the order of this emulation's. That gives each model, output and precision a
// tolerance derived from the model's own numerics instead of a guessed constant: bf16
// (8 significant bits) through MobileDet's 100+ layers lands at a relative L2 of 2e-2 to
// 4e-2 on box_encodings, fp16 (11 bits) near 3e-3.
#pragma once

#include <span>
#include <vector>

#include "core/graph.h"
#include "core/tensor.h"
#include "core/weights.h"

namespace eb::bench {

// Outputs in Graph::outputs order, as f32. storage f32 gives the plain reference.
// Throws std::invalid_argument for another storage type, or inputs/weights that do not
// match the graph.
std::vector<Tensor> run_reference_rounded(const Graph& graph, const Weights& weights, std::span<const Tensor> inputs,
                                          DType storage);

// The acceptance bound on relative L2 for one output computed in `storage`, given the
// emulation's relative L2 for it (`emulated`, against the plain reference):
//   f32        1e-4 (fp32 storage; only accumulation order differs)
//   f16, bf16  3 × emulated, and at least 2 unit roundoffs of the type (2^-11, 2^-8)
// The factor 3: the device rounds at the same points but not to the same values (other
// accumulation order, cuDNN's algorithms, fused epilogues), so its error is of the same
// order but not equal; a broken kernel is off by O(1), far above 3×. A NaN emulation
// gives a NaN bound, which nothing passes. Throws std::invalid_argument for other types.
double rounding_tolerance(DType storage, double emulated);

}  // namespace eb::bench
