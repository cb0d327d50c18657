// Shared helpers of the gpu backend tests: the device check that turns every
// device-dependent test into a skip ("no CUDA device: ..."), the conformance metric and
// tolerances, and running a graph on a backend.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "backends/gpu/gpu_backend.h"
#include "backends/gpu/options.h"
#include "bench/accuracy/fidelity.h"
#include "bench/accuracy/rounded_reference.h"
#include "core/backend.h"

namespace eb::gpu_test {

// Why the gpu backend cannot run here, or nullopt when it can (probed once per process).
inline const std::optional<std::string>& unavailable() {
  static const std::optional<std::string> why = []() -> std::optional<std::string> {
    const Probe p = make_gpu_backend()->probe();
    if (p.available) return std::nullopt;
    return p.reason;
  }();
  return why;
}

// ‖got − want‖₂ / ‖want‖₂ (bench/accuracy/fidelity.h), NaN when `got` has a NaN or an
// infinity, so that a broken output fails every `<` bound.
inline double relative_l2(const Tensor& got, const Tensor& want) {
  const bench::TensorFidelity f = bench::compare_tensors(want, got);
  return f.non_finite > 0 ? std::nan("") : f.relative_l2;
}

// The bound for one operator on inputs and weights already rounded to the storage type
// (ops_test.cpp): fp32 1e-4 (only accumulation order differs); fp16/bf16 1e-2, a few
// roundings inside one operator. Whole models use tolerances() below instead.
inline double tolerance(Precision p) { return p == Precision::fp32 ? bench::rounding_tolerance(DType::f32, 0.0) : 1e-2; }

// Per output of `graph`, the bound for a run in precision `p`: fp32 1e-4; fp16 and bf16
// derived from the reference run with every weight and node output rounded to 16 bits
// (bench/accuracy/rounded_reference.h), against `want`, the plain reference's outputs.
inline std::vector<double> tolerances(const Graph& graph, const Weights& weights, const std::vector<Tensor>& inputs,
                                      const std::vector<Tensor>& want, Precision p) {
  const DType t = gpu::storage_dtype(p);
  if (t == DType::f32) return std::vector<double>(want.size(), tolerance(p));
  const auto emulated = bench::run_reference_rounded(graph, weights, inputs, t);
  std::vector<double> bounds;
  for (std::size_t i = 0; i < want.size(); ++i) {
    const double rel = bench::compare_tensors(want[i], emulated[i]).relative_l2;
    bounds.push_back(bench::rounding_tolerance(t, rel));
    std::printf("  %s %s: 16-bit emulation relative L2 %.3g, bound %.3g\n", precision_name(p).data(), graph.outputs[i].c_str(),
                rel, bounds.back());
  }
  return bounds;
}

inline CompileOptions gpu_options(Precision p, bool cuda_graph = true) {
  CompileOptions o;
  o.precision = p;
  o.allow_fallback = false;
  o.extra.emplace("gpu.cuda_graph", cuda_graph ? "1" : "0");  // (emplace: GCC 12 -Wrestrict false positive on assign)
  return o;
}

inline std::vector<Tensor> run_on(const Backend& backend, const Graph& graph, const Weights& weights,
                                  const std::vector<Tensor>& inputs, const CompileOptions& options) {
  auto exe = backend.compile(graph, weights, options);
  return exe->run(inputs);
}

}  // namespace eb::gpu_test

// Skips the current test, with the probe's reason, when no usable GPU is present.
#define EB_REQUIRE_GPU()                                            \
  do {                                                              \
    if (const auto& why = ::eb::gpu_test::unavailable(); why)       \
      GTEST_SKIP() << *why;                                         \
  } while (0)
