// Shared helpers of the gpu backend tests: the device check that turns every
// device-dependent test into a skip ("no CUDA device: ..."), the conformance metric and
// tolerances, and running a graph on a backend.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "backends/gpu/gpu_backend.h"
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

// ‖got − want‖₂ / ‖want‖₂ (absolute when want is all zeros).
inline double relative_l2(const Tensor& got, const Tensor& want) {
  const auto g = got.data<float>();
  const auto w = want.data<float>();
  double diff = 0, ref = 0;
  for (std::size_t i = 0; i < w.size(); ++i) {
    const double d = static_cast<double>(g[i]) - w[i];
    diff += d * d;
    ref += static_cast<double>(w[i]) * w[i];
  }
  return ref > 0 ? std::sqrt(diff / ref) : std::sqrt(diff);
}

// The acceptance bounds of the gpu backend: fp32 1e-4, fp16 and bf16 1e-2 (relative L2).
inline double tolerance(Precision p) { return p == Precision::fp32 ? 1e-4 : 1e-2; }

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
