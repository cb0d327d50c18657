// The device check's judgement (bench/conformance.h): NaN never passes, and a failing or
// throwing step is recorded while the check goes on.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "bench/conformance.h"

namespace eb::bench {
namespace {

const std::vector<std::string> kNames = {"boxes", "logits"};

// Detections found again: same class, IoU >= 0.9, score within 1e-3, in any order.
TEST(Conformance, MatchedFractionFindsDetectionsInAnyOrder) {
  using mobiledet::Box;
  mobiledet::Detections want{{Box{0, 0, 1, 1}, Box{0, 0, 0.5f, 0.5f}}, {0.9f, 0.8f}, {1, 2}};
  mobiledet::Detections swapped{{Box{0, 0, 0.5f, 0.5f}, Box{0, 0, 1, 1}}, {0.8f, 0.9f}, {2, 1}};
  EXPECT_DOUBLE_EQ(matched_fraction(want, swapped), 1.0);
  mobiledet::Detections other_class = swapped;
  other_class.classes[0] = 3;
  EXPECT_DOUBLE_EQ(matched_fraction(want, other_class), 0.5);
  mobiledet::Detections score_off = swapped;
  score_off.scores[1] = 0.95f;
  EXPECT_DOUBLE_EQ(matched_fraction(want, score_off), 0.5);
  EXPECT_DOUBLE_EQ(matched_fraction({}, {}), 1.0);
  EXPECT_DOUBLE_EQ(matched_fraction(want, {}), 0.0);
}

TEST(Conformance, PassesCloseOutputsAndNamesTheClosestToItsBound) {
  const std::vector<Tensor> want = {Tensor::from_f32({2}, {1, 0}), Tensor::from_f32({2}, {0, 2})};
  const std::vector<Tensor> got = {Tensor::from_f32({2}, {1.001f, 0}), Tensor::from_f32({2}, {0, 2.01f})};
  const std::vector<double> bounds = {1e-2, 1e-2};
  const OutputsVerdict v = judge_outputs(kNames, want, got, bounds);
  EXPECT_TRUE(v.pass);
  EXPECT_EQ(v.worst_output, "logits");
  EXPECT_NEAR(v.worst_relative_l2, 0.005, 1e-6);
  EXPECT_EQ(v.non_finite, 0u);
}

TEST(Conformance, FailsAnOutputAboveItsOwnBound) {
  const std::vector<Tensor> want = {Tensor::from_f32({2}, {1, 0}), Tensor::from_f32({2}, {0, 2})};
  const std::vector<Tensor> got = {Tensor::from_f32({2}, {1.05f, 0}), Tensor::from_f32({2}, {0, 2.01f})};
  // 5e-2 on boxes is inside 0.1, 5e-3 on logits is outside 1e-3.
  const std::vector<double> bounds = {0.1, 1e-3};
  const OutputsVerdict v = judge_outputs(kNames, want, got, bounds);
  EXPECT_FALSE(v.pass);
  EXPECT_EQ(v.worst_output, "logits");
  EXPECT_EQ(v.bound, 1e-3);
}

TEST(Conformance, NanOrInfinityNeverPasses) {
  const std::vector<Tensor> want = {Tensor::from_f32({2}, {1, 0}), Tensor::from_f32({2}, {0, 2})};
  const std::vector<double> bounds = {1e-4, 1e-4};
  for (float bad : {std::nanf(""), std::numeric_limits<float>::infinity()}) {
    // The broken output comes second, after one that is exact: a max over outputs that
    // dropped the NaN would report 0 and pass.
    const std::vector<Tensor> got = {Tensor::from_f32({2}, {1, 0}), Tensor::from_f32({2}, {bad, 2})};
    const OutputsVerdict v = judge_outputs(kNames, want, got, bounds);
    EXPECT_FALSE(v.pass);
    EXPECT_TRUE(std::isnan(v.worst_relative_l2));
    EXPECT_EQ(v.worst_output, "logits");
    EXPECT_EQ(v.non_finite, 1u);
  }
  // A NaN bound (a NaN emulation) passes nothing either.
  const std::vector<double> nan_bounds = {std::nan(""), 1.0};
  EXPECT_FALSE(judge_outputs(kNames, want, want, nan_bounds).pass);
}

TEST(Conformance, InfiniteBoundsJudgeOnlyFinitenessAndReportTheLargestError) {
  const std::vector<Tensor> want = {Tensor::from_f32({2}, {1, 0}), Tensor::from_f32({2}, {0, 2})};
  const std::vector<Tensor> got = {Tensor::from_f32({2}, {1.001f, 0}), Tensor::from_f32({2}, {0, 2.5f})};
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<double> bounds = {inf, inf};
  const OutputsVerdict v = judge_outputs(kNames, want, got, bounds);
  EXPECT_TRUE(v.pass);
  EXPECT_EQ(v.worst_output, "logits");
  EXPECT_NEAR(v.worst_relative_l2, 0.25, 1e-6);
  const std::vector<Tensor> broken = {Tensor::from_f32({2}, {1, 0}), Tensor::from_f32({2}, {0, std::nanf("")})};
  EXPECT_FALSE(judge_outputs(kNames, want, broken, bounds).pass);
}

TEST(Conformance, RejectsListsOfDifferentLengths) {
  const std::vector<Tensor> one = {Tensor::from_f32({1}, {1})};
  const std::vector<double> bounds = {1e-4, 1e-4};
  EXPECT_THROW(judge_outputs(kNames, one, one, bounds), std::invalid_argument);
}

TEST(CheckLog, RecordsAThrowingStepAndGoesOn) {
  CheckLog log;
  int ran = 0;
  EXPECT_TRUE(log.attempt("m3vit fp32", [&] { ++ran; }));
  EXPECT_FALSE(log.attempt("m3vit bf16", [&] { throw std::runtime_error("cuDNN refused: CUDNN_STATUS_NOT_SUPPORTED"); }));
  EXPECT_TRUE(log.attempt("mobiledet fp16", [&] { ++ran; }));
  log.fail("mobiledet fp16", "relative L2 2e-02 >= 9e-03");
  EXPECT_EQ(ran, 2);
  EXPECT_EQ(log.steps(), 3);
  ASSERT_EQ(log.failures().size(), 2u);
  EXPECT_EQ(log.failures()[0].step, "m3vit bf16");
  EXPECT_EQ(log.failures()[0].why, "cuDNN refused: CUDNN_STATUS_NOT_SUPPORTED");
  EXPECT_EQ(log.exit_status(), 1);
  log.fail("mobiledet fp16", "80% of the reference detections found");  // the same step, another way
  EXPECT_EQ(log.failures().size(), 3u);
  EXPECT_EQ(log.summary(),
            "2 of 3 steps failed:\n  m3vit bf16: cuDNN refused: CUDNN_STATUS_NOT_SUPPORTED\n  mobiledet fp16: relative L2 2e-02 >= "
            "9e-03\n  mobiledet fp16: 80% of the reference detections found");
}

TEST(CheckLog, AllPassedExitsZero) {
  CheckLog log;
  EXPECT_TRUE(log.attempt("a", [] {}));
  EXPECT_EQ(log.exit_status(), 0);
  EXPECT_EQ(log.summary(), "all 1 steps passed");
}

}  // namespace
}  // namespace eb::bench
