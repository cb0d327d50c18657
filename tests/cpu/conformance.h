// Shared by the cpu backend tests: build one-node (or small) graphs, run them on the cpu
// backend and on the reference backend, and measure how far apart the outputs are.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "bench/prepare_model.h"
#include "core/graph.h"
#include "core/reference/reference_backend.h"
#include "core/registry.h"
#include "core/seeded_init.h"
#include "core/weights.h"

#ifdef EB_HAVE_CPU
#include "backends/cpu/cpu_backend.h"
#endif

namespace eb::cpu_test {

// The fp32 conformance bound of the issue: relative L2 error below 1e-4.
inline constexpr double kFp32Tolerance = 1e-4;

// ‖a − b‖₂ / ‖b‖₂ (b the reference); 0 when both are zero.
inline double rel_l2(const Tensor& a, const Tensor& b) {
  const auto x = a.data<float>();
  const auto y = b.data<float>();
  double num = 0, den = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    const double d = static_cast<double>(x[i]) - y[i];
    num += d * d;
    den += static_cast<double>(y[i]) * y[i];
  }
  return den == 0 ? std::sqrt(num) : std::sqrt(num / den);
}

struct Comparison {
  std::vector<Tensor> cpu;
  std::vector<Tensor> reference;
  double max_rel_l2 = 0;
};

// Conformance runs use one thread: the numbers do not depend on the thread count
// (CpuThreads checks that), and one thread keeps the suite fast when test processes
// share the cores (oversubscribed OpenMP threads spin-wait for each other).
inline constexpr int kTestThreads = 1;

// Runs `graph` on both backends (cpu with `threads`) and compares every output.
inline Comparison compare(const Graph& graph, const Weights& weights, const std::vector<Tensor>& inputs,
                          int threads = kTestThreads) {
  Comparison c;
#ifdef EB_HAVE_CPU
  CompileOptions opts;
  opts.threads = threads;
  auto exe = make_cpu_backend()->compile(graph, weights, opts);
  c.cpu = exe->run(inputs);
  c.reference = make_reference_backend()->compile(graph, weights, {})->run(inputs);
  EXPECT_EQ(c.cpu.size(), c.reference.size());
  for (std::size_t i = 0; i < c.cpu.size() && i < c.reference.size(); ++i) {
    EXPECT_EQ(c.cpu[i].shape(), c.reference[i].shape()) << graph.outputs[i];
    if (c.cpu[i].shape() == c.reference[i].shape()) c.max_rel_l2 = std::max(c.max_rel_l2, rel_l2(c.cpu[i], c.reference[i]));
  }
#else
  (void)graph, (void)weights, (void)inputs, (void)threads;
#endif
  return c;
}

// Builds a graph with GraphBuilder through `build`, fills its weights and inputs from
// `seed`, compares the backends, prints the error (collected for the report) and checks
// it against `tolerance`.
template <class Build>
double check_graph(const std::string& label, Build&& build, std::uint64_t seed = 1, double tolerance = kFp32Tolerance,
                   int threads = kTestThreads) {
#ifndef EB_HAVE_CPU
  (void)label, (void)build, (void)seed, (void)tolerance, (void)threads;
  return 0;
#else
  GraphBuilder g(label);
  build(g);
  const Graph graph = g.finish();
  const Weights weights = init_weights(graph, seed);
  const auto inputs = random_inputs(graph, seed + 1);
  const Comparison c = compare(graph, weights, inputs, threads);
  std::printf("[conformance] %-48s rel_l2 %.3e\n", label.c_str(), c.max_rel_l2);
  EXPECT_LT(c.max_rel_l2, tolerance) << label;
  return c.max_rel_l2;
#endif
}

// Uniform weights of a scale that keeps activations O(1).
inline WeightInit uniform(double half_width = 0.5) { return WeightInit::uniform(-half_width, half_width); }

// A square convolution's attributes: stride and dilation the same on both axes.
inline Conv2dAttrs conv_attrs(int stride, std::array<int, 4> pad, int groups, Activation act, bool bias = true,
                              int dilation = 1) {
  Conv2dAttrs a;
  a.stride = {stride, stride};
  a.pad = pad;
  a.groups = groups;
  a.act = act;
  a.has_bias = bias;
  a.dilation = {dilation, dilation};
  return a;
}

// A registered model as a job prepares it (bench/prepare_model.h): seeded weights, batch
// norm folded, and one input sample from its own seed.
struct FoldedModelCase {
  Graph graph;
  Weights weights;
  std::vector<Tensor> inputs;
};
inline FoldedModelCase folded_model_case(const std::string& name, std::uint64_t weight_seed, std::uint64_t input_seed) {
  bench::PreparedModel m =
      bench::prepare_model(make_workload_registry(), {.model = name, .seed = weight_seed, .input_seed = input_seed});
  return {std::move(m.folded.graph), std::move(m.folded.weights), std::move(m.pool.samples.front())};
}

}  // namespace eb::cpu_test

#ifndef EB_HAVE_CPU
#define EB_REQUIRE_CPU() GTEST_SKIP() << "cpu backend not built (oneDNN not found)"
#else
#define EB_REQUIRE_CPU() (void)0
#endif
