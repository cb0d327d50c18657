// The 16-bit rounding emulation of the reference (bench/accuracy/rounded_reference.h) and
// the tolerances derived from it, which the gpu backend's tests and device check apply.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "bench/accuracy/fidelity.h"
#include "bench/accuracy/rounded_reference.h"
#include "core/fold_batch_norm.h"
#include "core/graph.h"
#include "core/reference/reference_backend.h"
#include "models/workload.h"

namespace eb::bench {
namespace {

// x[1,3] → linear(W, b) → y[1,2]
Graph linear_graph() {
  GraphBuilder b("lin");
  const auto x = b.input("x", {1, 3});
  const auto w = b.weight("w", {2, 3}, WeightInit::zeros());
  const auto bias = b.weight("b", {2}, WeightInit::zeros());
  b.output(b.add(OpKind::linear, LinearAttrs{Activation::none, true}, {x, w, bias}, "y"));
  return b.finish();
}

Weights linear_weights() {
  Weights w;
  w.set("w", Tensor::from_f32({2, 3}, {1.0f / 3, 2.0f / 3, 1.001f, -0.7f, 0.11f, 3.3f}));
  w.set("b", Tensor::from_f32({2}, {0.123f, -0.456f}));
  return w;
}

float rounded(float v, DType t) { return Tensor::from_f32({1}, {v}).to(t).to(DType::f32).data<float>()[0]; }

TEST(RoundedReference, Fp32StorageIsThePlainReference) {
  const Graph g = linear_graph();
  const std::vector<Tensor> in{Tensor::from_f32({1, 3}, {0.3f, -1.7f, 2.9f})};
  const auto want = make_reference_backend()->compile(g, linear_weights(), {})->run(in);
  EXPECT_EQ(run_reference_rounded(g, linear_weights(), in, DType::f32), want);
}

TEST(RoundedReference, RoundsWeightsInputsAndNodeOutputs) {
  const Graph g = linear_graph();
  const std::vector<float> x = {0.3f, -1.7f, 2.9f};
  const std::vector<Tensor> in{Tensor::from_f32({1, 3}, x)};
  const Weights w = linear_weights();
  for (DType t : {DType::f16, DType::bf16}) {
    SCOPED_TRACE(std::string(dtype_name(t)));
    const auto got = run_reference_rounded(g, w, in, t);
    ASSERT_EQ(got.size(), 1u);
    const auto wv = w.get("w").data<float>();
    const auto bv = w.get("b").data<float>();
    for (int o = 0; o < 2; ++o) {
      double acc = rounded(bv[o], t);
      for (int i = 0; i < 3; ++i) acc += static_cast<double>(rounded(wv[o * 3 + i], t)) * rounded(x[i], t);
      EXPECT_EQ(got[0].data<float>()[o], rounded(static_cast<float>(acc), t)) << o;
    }
    // And it is not the plain reference: the rounding is visible.
    EXPECT_NE(got, run_reference_rounded(g, w, in, DType::f32));
  }
}

TEST(RoundedReference, RejectsOtherStorageAndMismatchedInputs) {
  const Graph g = linear_graph();
  const std::vector<Tensor> in{Tensor::from_f32({1, 3}, {1, 2, 3})};
  EXPECT_THROW(run_reference_rounded(g, linear_weights(), in, DType::i8), std::invalid_argument);
  const std::vector<Tensor> wrong{Tensor::from_f32({1, 4}, {1, 2, 3, 4})};
  EXPECT_THROW(run_reference_rounded(g, linear_weights(), wrong, DType::bf16), std::invalid_argument);
  EXPECT_THROW(run_reference_rounded(g, linear_weights(), {}, DType::bf16), std::invalid_argument);
}

TEST(RoundedReference, ToleranceFollowsTheEmulation) {
  EXPECT_EQ(rounding_tolerance(DType::f32, 0.5), 1e-4);
  EXPECT_DOUBLE_EQ(rounding_tolerance(DType::bf16, 0.034), 0.102);
  EXPECT_DOUBLE_EQ(rounding_tolerance(DType::f16, 0.003), 0.009);
  // Never tighter than two roundings of the type itself.
  EXPECT_DOUBLE_EQ(rounding_tolerance(DType::bf16, 0.0), 2.0 / 256);
  EXPECT_DOUBLE_EQ(rounding_tolerance(DType::f16, 1e-9), 2.0 / 2048);
  EXPECT_TRUE(std::isnan(rounding_tolerance(DType::f16, std::nan(""))));
  EXPECT_THROW(rounding_tolerance(DType::i8, 0.1), std::invalid_argument);
}

// A whole detector: bf16 keeps 3 fewer significand bits than fp16, so its emulated error
// is several times fp16's, and above the 1e-2 that the gpu tests used to assert for both.
TEST(RoundedReference, MobileDetBf16DriftsMoreThanFp16) {
  const WorkloadRegistry registry = make_workload_registry();
  const Workload& w = registry.get("mobiledet-gpu");
  const Graph g = w.build({"", 1});
  const FoldedModel m = fold_batch_norm(g, w.make_weights(g, 0));
  const auto inputs = w.make_inputs(g, 0);
  const auto want = run_reference_rounded(m.graph, m.weights, inputs, DType::f32);
  double rel[2] = {};
  int k = 0;
  for (DType t : {DType::f16, DType::bf16}) {
    const auto got = run_reference_rounded(m.graph, m.weights, inputs, t);
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      const double r = compare_tensors(want[i], got[i]).relative_l2;
      std::printf("%s %s: emulated relative L2 %.3g, tolerance %.3g\n", dtype_name(t).data(), m.graph.outputs[i].c_str(), r,
                  rounding_tolerance(t, r));
      EXPECT_GT(r, 0);
      rel[k] = std::max(rel[k], r);
    }
    ++k;
  }
  EXPECT_GT(rel[1], 4 * rel[0]);
  EXPECT_GT(rel[1], 1e-2);
  EXPECT_LT(rel[0], 1e-2);
}

}  // namespace
}  // namespace eb::bench
