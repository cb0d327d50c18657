// Fidelity to the reference on known vectors.
#include <cmath>

#include <gtest/gtest.h>

#include "bench/accuracy/fidelity.h"

namespace eb::bench {
namespace {

TEST(Fidelity, KnownVectors) {
  // r = (1, 2, 3), a = (1, 2, 4): ‖a − r‖ = 1, ‖r‖ = √14, a·r = 17, ‖a‖ = √21.
  const TensorFidelity f = compare_tensors(Tensor::from_f32({3}, {1, 2, 3}), Tensor::from_f32({3}, {1, 2, 4}));
  EXPECT_DOUBLE_EQ(f.relative_l2, 1 / std::sqrt(14.0));
  EXPECT_DOUBLE_EQ(f.max_abs, 1.0);
  EXPECT_DOUBLE_EQ(f.max_relative, 1.0 / 3.0);  // max |a − r| = 1 over max |r| = 3
  EXPECT_DOUBLE_EQ(f.rmse, std::sqrt(1.0 / 3.0));
  EXPECT_DOUBLE_EQ(f.cosine, 17 / (std::sqrt(14.0) * std::sqrt(21.0)));
  EXPECT_EQ(f.elements, 3u);
  EXPECT_EQ(f.non_finite, 0u);
}

TEST(Fidelity, IdenticalOppositeAndZero) {
  const Tensor r = Tensor::from_f32({2, 2}, {1, -2, 3, 0.5f});
  const TensorFidelity same = compare_tensors(r, r);
  EXPECT_EQ(same.relative_l2, 0.0);
  EXPECT_EQ(same.max_abs, 0.0);
  EXPECT_DOUBLE_EQ(same.cosine, 1.0);
  const TensorFidelity opposite = compare_tensors(r, Tensor::from_f32({2, 2}, {-1, 2, -3, -0.5f}));
  EXPECT_DOUBLE_EQ(opposite.relative_l2, 2.0);
  EXPECT_DOUBLE_EQ(opposite.cosine, -1.0);
  const Tensor zero(DType::f32, {2, 2});
  EXPECT_EQ(compare_tensors(zero, zero).relative_l2, 0.0);
  EXPECT_EQ(compare_tensors(zero, zero).cosine, 1.0);
  EXPECT_TRUE(std::isinf(compare_tensors(zero, r).relative_l2));
  EXPECT_TRUE(std::isinf(compare_tensors(zero, r).max_relative));
  EXPECT_EQ(compare_tensors(zero, zero).max_relative, 0.0);
  EXPECT_DOUBLE_EQ(compare_tensors(zero, r).rmse, std::sqrt((1 + 4 + 9 + 0.25) / 4.0));
  EXPECT_EQ(compare_tensors(zero, r).cosine, 0.0);
}

TEST(Fidelity, OtherDtypesCompareAsFloat) {
  const Tensor r = Tensor::from_f32({2}, {1.5f, -2});
  const TensorFidelity f = compare_tensors(r, r.to(DType::f16));
  EXPECT_EQ(f.max_abs, 0.0);  // both values are exact in f16
}

TEST(Fidelity, NonFiniteOutputsShow) {
  const TensorFidelity f = compare_tensors(Tensor::from_f32({2}, {1, 2}), Tensor::from_f32({2}, {1, NAN}));
  EXPECT_EQ(f.non_finite, 1u);
  EXPECT_TRUE(std::isnan(f.relative_l2));
  EXPECT_TRUE(std::isnan(f.max_abs));
  EXPECT_TRUE(std::isnan(f.max_relative));
  EXPECT_TRUE(std::isnan(f.rmse));
  // A NaN first, finite values after it: the NaN still shows.
  const TensorFidelity first = compare_tensors(Tensor::from_f32({3}, {1, 2, 3}), Tensor::from_f32({3}, {NAN, 2, 3}));
  EXPECT_TRUE(std::isnan(first.max_abs));
  EXPECT_TRUE(std::isnan(first.max_relative));
}

TEST(Fidelity, ShapeMismatchThrows) {
  EXPECT_THROW(compare_tensors(Tensor::from_f32({2}, {1, 2}), Tensor::from_f32({1, 2}, {1, 2})), std::invalid_argument);
}

TEST(Fidelity, ArgmaxAgreement) {
  // 4 pixels, 2 classes: the backend flips pixel 3 only.
  const Tensor r = Tensor::from_f32({1, 2, 1, 4}, {1, 0, 1, 0,  //
                                                   0, 1, 0, 1});
  const Tensor a = Tensor::from_f32({1, 2, 1, 4}, {1, 0, 1, 2,  //
                                                   0, 1, 0, 1});
  EXPECT_DOUBLE_EQ(argmax_agreement(r, a), 0.75);
  EXPECT_DOUBLE_EQ(argmax_agreement(r, r), 1.0);
}

TEST(Fidelity, JsonHasEveryOutputAndTheWorst) {
  const std::vector<std::string> names = {"logits", "depth"};
  const std::vector<Tensor> ref = {Tensor::from_f32({1, 2, 1, 1}, {1, 0}), Tensor::from_f32({2}, {1, 2})};
  const std::vector<Tensor> act = {Tensor::from_f32({1, 2, 1, 1}, {0, 1}), Tensor::from_f32({2}, {1, 2.5f})};
  FidelityOptions options;
  options.class_map_outputs = {"logits"};
  const nlohmann::json j = fidelity_json(names, ref, act, options);
  EXPECT_DOUBLE_EQ(j["outputs"]["logits"]["argmax_agreement"].get<double>(), 0.0);
  EXPECT_FALSE(j["outputs"]["depth"].contains("argmax_agreement"));
  EXPECT_DOUBLE_EQ(j["max_abs"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(j["max_relative_l2"].get<double>(), std::sqrt(2.0));
  EXPECT_DOUBLE_EQ(j["min_cosine"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(j["max_relative"].get<double>(), 1.0);  // logits: 1 / 1; depth: 0.5 / 2
  EXPECT_DOUBLE_EQ(j["outputs"]["depth"]["rmse"].get<double>(), std::sqrt(0.125));
  EXPECT_DOUBLE_EQ(j["min_argmax_agreement"].get<double>(), 0.0);
  EXPECT_FALSE(fidelity_json(names, ref, ref).contains("min_argmax_agreement"));  // no class map named
  // A NaN anywhere makes the worst figure null (not finite), never a smaller number.
  const std::vector<Tensor> nan = {Tensor::from_f32({1, 2, 1, 1}, {1, 0}), Tensor::from_f32({2}, {NAN, 2})};
  EXPECT_TRUE(fidelity_json(names, ref, nan)["max_abs"].is_null());
  EXPECT_TRUE(fidelity_json(names, ref, nan)["min_cosine"].is_null());
  EXPECT_THROW(fidelity_json(names, ref, std::vector<Tensor>{act[0]}), std::invalid_argument);
}

TEST(Fidelity, DetectionAgreement) {
  const std::vector<CocoDetection> reference = {
      {1, 1, {10, 10, 50, 50}, 0.9}, {1, 2, {100, 100, 40, 30}, 0.5}, {2, 1, {0, 0, 20, 20}, 0.3}};
  const DetectionAgreement same = detection_agreement(reference, reference);
  EXPECT_DOUBLE_EQ(same.summary.ap, 1.0);
  EXPECT_DOUBLE_EQ(same.summary.ar100, 1.0);
  EXPECT_EQ(same.reference_detections, 3u);

  std::vector<CocoDetection> shifted = reference;
  shifted[0].bbox.x += 10;  // IoU 40·50 / (2·2500 − 2000) = 2/3: found at 0.50..0.65 only
  const DetectionAgreement moved = detection_agreement(reference, shifted);
  EXPECT_LT(moved.summary.ap, 1.0);
  EXPECT_DOUBLE_EQ(moved.summary.ap50, 1.0);

  const DetectionAgreement none = detection_agreement(reference, {});
  EXPECT_DOUBLE_EQ(none.summary.ap, 0.0);

  std::vector<CocoDetection> broken = reference;
  broken[1].score = NAN;
  const DetectionAgreement nan = detection_agreement(reference, broken);
  EXPECT_EQ(nan.non_finite, 1u);
  EXPECT_EQ(nan.detections, 2u);
  EXPECT_EQ(to_json(nan)["reference_as_ground_truth"].size(), 12u);

  // Only confident reference detections as ground truth.
  EXPECT_EQ(detection_agreement(reference, reference, 0.4).reference_detections, 2u);
}

}  // namespace
}  // namespace eb::bench
