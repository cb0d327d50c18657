// The reference backend: every operator in plain C++ with fp32 storage and fp64
// accumulation, written to be obviously correct rather than fast. It is the accuracy
// oracle for every other backend and the fallback for nodes a backend does not support.
#pragma once

#include <map>
#include <memory>
#include <span>
#include <string>

#include "core/backend.h"

namespace eb {

std::unique_ptr<Backend> make_reference_backend();

// Runs `graph` on the reference kernels and returns every tensor it computes (inputs and
// node outputs, by name) — for tests and for inspecting intermediate activations.
std::map<std::string, Tensor> run_reference_all(const Graph& graph, const Weights& weights, std::span<const Tensor> inputs);

}  // namespace eb
