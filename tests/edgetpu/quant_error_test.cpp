// Per-tensor quantisation error (quant_error.h).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "backends/edgetpu/calibration.h"
#include "backends/edgetpu/quant_error.h"
#include "backends/edgetpu/quantized_program.h"
#include "core/fold_batch_norm.h"
#include "core/seeded_init.h"
#include "core/rng.h"
#include "models/workload.h"

namespace eb::edgetpu {
namespace {

struct Small {
  Graph graph;
  Weights weights;
  std::vector<Tensor> inputs;
};

// x → 3×3 conv + hard-swish (a separate int8 op on "c:preact") → output.
Small small_graph() {
  GraphBuilder b("small");
  auto x = b.input("x", {1, 8, 6, 6});
  Conv2dAttrs c;
  c.has_bias = true;
  c.pad = {1, 1, 1, 1};
  c.act = Activation::hardswish;
  b.output(b.add(OpKind::conv2d, c, {x, b.weight("w", {8, 8, 3, 3}, WeightInit::with_std(0.3)), b.weight("b", {8}, WeightInit::zeros())}, "c"));
  Small s{b.finish(), {}, {}};
  s.weights = init_weights(s.graph, 3);
  Tensor t(DType::f32, {1, 8, 6, 6});
  Rng rng(7);
  for (auto& v : t.data<float>()) v = 2.0f * rng.uniform01() - 1.0f;
  s.inputs.push_back(std::move(t));
  return s;
}

const TensorError& find(const std::vector<TensorError>& errors, const std::string& name) {
  auto it = std::find_if(errors.begin(), errors.end(), [&](const TensorError& e) { return e.tensor == name; });
  if (it == errors.end()) throw std::invalid_argument("no entry for " + name);
  return *it;
}

TEST(QuantError, CalibratedOnItsInputOnlyRoundingIsLeft) {
  const Small s = small_graph();
  QuantizedProgram p(s.graph, s.weights, calibrate_on(s.graph, s.weights, {s.inputs}));
  const auto errors = per_tensor_error(s.graph, s.weights, p, s.inputs);
  ASSERT_EQ(errors.size(), 2u);  // c:preact, then c
  EXPECT_EQ(errors[0].tensor, "c:preact");
  EXPECT_EQ(errors[1].op, "conv2d+hardswish");
  for (const auto& e : errors) {
    EXPECT_EQ(e.saturated, 0.0) << e.tensor;
    // Rounding to the output grid alone: about step/√12 of the RMS, never several steps.
    EXPECT_GT(e.local_l2, 0.0) << e.tensor;
    EXPECT_LT(e.local_l2, e.step_over_rms) << e.tensor;
    EXPECT_GT(e.cosine, 0.99) << e.tensor;
  }
}

TEST(QuantError, ANarrowRangeShowsAsSaturation) {
  const Small s = small_graph();
  auto ranges = calibrate_on(s.graph, s.weights, {s.inputs});
  QuantizedProgram wide(s.graph, s.weights, ranges);
  const double before = find(per_tensor_error(s.graph, s.weights, wide, s.inputs), "c:preact").relative_l2;
  ranges.at("c:preact").max *= 0.5f;
  ranges.at("c:preact").min *= 0.5f;
  QuantizedProgram narrow(s.graph, s.weights, ranges);
  const TensorError e = find(per_tensor_error(s.graph, s.weights, narrow, s.inputs), "c:preact");
  EXPECT_GT(e.saturated, 0.0);
  EXPECT_GT(e.relative_l2, 2 * before);
  EXPECT_GT(e.local_l2, e.step_over_rms);  // clipping, not rounding
}

// Diagnosis aid: EB_QUANT_ERROR_MODEL=mobiledet-cpu prints every tensor's error.
TEST(QuantError, PrintsAModelWhenAsked) {
  const char* model = std::getenv("EB_QUANT_ERROR_MODEL");
  if (!model) GTEST_SKIP() << "set EB_QUANT_ERROR_MODEL to print a model's per-tensor error";
  const WorkloadRegistry reg = make_workload_registry();
  const Workload& w = reg.get(model);
  const Graph g = w.build({});
  const FoldedModel f = fold_batch_norm(g, w.make_weights(g, 0));
  CalibrationSettings s;
  if (const char* n = std::getenv("EB_QUANT_ERROR_SAMPLES")) s.samples = std::atoi(n);
  const auto inputs = w.make_inputs(g, 0);
  // EB_QUANT_ERROR_SELF=1: calibrated on the evaluated input itself (the best ranges min/max can give it).
  // EB_QUANT_ERROR_IMAGES=1: calibrated on the workload's own inputs of seeds 1..samples.
  std::vector<std::vector<Tensor>> images;
  for (int k = 1; k <= s.samples; ++k) images.push_back(w.make_inputs(g, static_cast<std::uint64_t>(k)));
  QuantizedProgram p(f.graph, f.weights,
                     std::getenv("EB_QUANT_ERROR_SELF")     ? calibrate_on(f.graph, f.weights, {inputs})
                     : std::getenv("EB_QUANT_ERROR_IMAGES") ? calibrate_on(f.graph, f.weights, images)
                                                            : calibrate(f.graph, f.weights, s));
  for (const auto& e : per_tensor_error(f.graph, f.weights, p, inputs))
    std::printf("%-48s %-22s rl2 %.4f local %.4f cos %.4f sat %.4f step/rms %.4f int8 [%.3g, %.3g] float [%.3g, %.3g]\n", e.tensor.c_str(), e.op.c_str(),
                e.relative_l2, e.local_l2, e.cosine, e.saturated, e.step_over_rms, dequantize_value(-128, e.q), dequantize_value(127, e.q),
                static_cast<double>(e.min), static_cast<double>(e.max));
}

}  // namespace
}  // namespace eb::edgetpu
