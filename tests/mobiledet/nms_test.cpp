// Class-wise NMS on hand-made cases.
#include <gtest/gtest.h>

#include <cmath>

#include "models/mobiledet/nms.h"
#include "models/mobiledet/postprocess.h"

namespace eb::mobiledet {
namespace {

const Box kA{0.1f, 0.1f, 0.5f, 0.5f};
const Box kAShifted{0.12f, 0.1f, 0.52f, 0.5f};  // IoU with kA = 0.38/0.42 ≈ 0.905
const Box kFar{0.6f, 0.6f, 0.9f, 0.9f};

TEST(Nms, IouOfSimpleBoxes) {
  EXPECT_FLOAT_EQ(iou(kA, kA), 1.0f);
  EXPECT_FLOAT_EQ(iou(kA, kFar), 0.0f);
  EXPECT_NEAR(iou({0, 0, 1, 1}, {0, 0.5f, 1, 1.5f}), 1.0 / 3.0, 1e-6);
  EXPECT_FLOAT_EQ(iou({0, 0, 0, 1}, {0, 0, 0, 1}), 0.0f);  // no area: never suppresses
}

TEST(Nms, OverlappingBoxesOfOneClassAreSuppressed) {
  const std::vector<Box> boxes{kA, kAShifted, kFar};
  const std::vector<float> scores{0.8f, 0.9f, 0.3f};
  const auto d = multiclass_nms(boxes, scores, 1);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d.boxes[0], kAShifted);
  EXPECT_FLOAT_EQ(d.scores[0], 0.9f);
  EXPECT_EQ(d.boxes[1], kFar);
}

TEST(Nms, IouThresholdIsStrict) {
  // Two unit-height boxes overlapping by IoU 1/3: a box is dropped only when IoU > threshold.
  const std::vector<Box> boxes{{0, 0, 1, 0.5f}, {0, 0.25f, 1, 0.75f}};
  const std::vector<float> scores{0.9f, 0.8f};
  const float overlap = iou(boxes[0], boxes[1]);
  EXPECT_NEAR(overlap, 1.0 / 3.0, 1e-6);
  EXPECT_EQ(non_max_suppression(boxes, scores, 0, overlap, 10).size(), 2u);
  EXPECT_EQ(non_max_suppression(boxes, scores, 0, std::nextafter(overlap, 0.0f), 10).size(), 1u);
}

TEST(Nms, DifferentClassesAreKept) {
  const std::vector<Box> boxes{kA, kAShifted};
  // [box, class]: box 0 is class 0, box 1 is class 1, same place.
  const std::vector<float> scores{0.9f, 0.0f, 0.0f, 0.7f};
  const auto d = multiclass_nms(boxes, scores, 2);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d.classes, (std::vector<int>{0, 1}));
  EXPECT_EQ(d.boxes[1], kAShifted);
}

TEST(Nms, ScoreThresholdIsStrict) {
  const std::vector<Box> boxes{kA, kFar};
  const std::vector<float> scores{0.5f, 0.4f};
  NmsConfig c;
  c.score_threshold = 0.4f;
  const auto d = multiclass_nms(boxes, scores, 1, c);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_FLOAT_EQ(d.scores[0], 0.5f);
}

TEST(Nms, MaxDetectionsPerClassAndTotal) {
  std::vector<Box> boxes;
  std::vector<float> scores;  // 10 disjoint boxes, 2 classes
  for (int i = 0; i < 10; ++i) {
    const float y = 0.1f * static_cast<float>(i);
    boxes.push_back({y, 0, y + 0.05f, 0.05f});
    scores.push_back(0.5f + 0.01f * static_cast<float>(i));  // class 0
    scores.push_back(0.2f + 0.01f * static_cast<float>(i));  // class 1
  }
  NmsConfig c;
  c.max_detections_per_class = 3;
  c.max_total_detections = 5;
  const auto d = multiclass_nms(boxes, scores, 2, c);
  ASSERT_EQ(d.size(), 5u);
  EXPECT_EQ(d.classes, (std::vector<int>{0, 0, 0, 1, 1}));
  EXPECT_FLOAT_EQ(d.scores[0], 0.59f);
  EXPECT_FLOAT_EQ(d.scores[2], 0.57f);
  EXPECT_FLOAT_EQ(d.scores[3], 0.29f);
}

TEST(Nms, TiesGoLowerIndexThenLowerClassFirst) {
  const std::vector<Box> boxes{kA, kAShifted, kFar};
  // Boxes 0 and 1 overlap and tie in class 0: box 0 wins. Box 2 ties in both classes.
  const std::vector<float> scores{0.6f, 0.0f, 0.6f, 0.0f, 0.6f, 0.6f};
  const auto d = multiclass_nms(boxes, scores, 2);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d.boxes[0], kA);
  EXPECT_EQ(d.classes[0], 0);
  EXPECT_EQ(d.boxes[1], kFar);
  EXPECT_EQ(d.classes[1], 0);
  EXPECT_EQ(d.boxes[2], kFar);
  EXPECT_EQ(d.classes[2], 1);
}

TEST(Nms, ClipsToTheImageAndDropsEmptyBoxes) {
  const std::vector<Box> boxes{{-0.2f, 0.5f, 0.3f, 1.4f}, {1.1f, 0.1f, 1.3f, 0.2f}};
  const std::vector<float> scores{0.9f, 0.8f};
  const auto d = multiclass_nms(boxes, scores, 1);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d.boxes[0], (Box{0, 0.5f, 0.3f, 1}));
}

TEST(Postprocess, DropsBackgroundAndReportsSlotClasses) {
  // Two anchors, three slots (background, class 1, class 2).
  const std::vector<Box> anchors{kA, kFar};
  const Tensor codes = Tensor::from_f32({1, 2, 4}, {0, 0, 0, 0, 0, 0, 0, 0});
  const Tensor logits = Tensor::from_f32({1, 2, 3}, {9.0f, -30.0f, 2.0f, 9.0f, 1.0f, -30.0f});
  const auto d = postprocess(codes, logits, anchors);
  ASSERT_EQ(d.size(), 1u);
  ASSERT_EQ(d[0].size(), 2u);  // −30 → sigmoid ≈ 9e-14, below 1e-8
  EXPECT_EQ(d[0].classes, (std::vector<int>{2, 1}));
  EXPECT_NEAR(d[0].scores[0], sigmoid(2.0), 1e-6);
  EXPECT_EQ(d[0].boxes[0], kA);
  EXPECT_EQ(d[0].boxes[1], kFar);
  EXPECT_THROW(postprocess(codes, logits, std::span(anchors).first(1)), std::invalid_argument);
}

}  // namespace
}  // namespace eb::mobiledet

// The deployment post-processing (TFLite_Detection_PostProcess, fast path): one class per
// anchor, one NMS over all anchors, at most max_detections.
namespace eb::mobiledet {
namespace {

TEST(FastPostprocess, BestClassPerAnchorThenOneNms) {
  // Three anchors: 0 and 1 overlap exactly (zero codes decode to the anchors), 2 is apart.
  const std::vector<Box> anchors{{0.1f, 0.1f, 0.5f, 0.5f}, {0.1f, 0.1f, 0.5f, 0.5f}, {0.6f, 0.6f, 0.9f, 0.9f}};
  const Tensor codes(DType::f32, {1, 3, 4});
  // 4 slots (background + 3 classes); anchor 0 best class 2, anchor 1 class 3 (lower score), anchor 2 class 1.
  const Tensor logits = Tensor::from_f32({1, 3, 4}, {9, 0, 3, -1,  /**/ 9, -2, -2, 1,  /**/ 9, 2, -5, -5});
  const auto d = postprocess_fast(codes, logits, anchors);
  ASSERT_EQ(d.size(), 1u);
  ASSERT_EQ(d[0].size(), 2u);  // anchor 1 suppressed by anchor 0 across classes (class-agnostic NMS)
  EXPECT_EQ(d[0].classes[0], 2);
  EXPECT_FLOAT_EQ(d[0].scores[0], static_cast<float>(sigmoid(3)));
  EXPECT_EQ(d[0].classes[1], 1);
  FastPostprocessConfig one;
  one.max_detections = 1;
  EXPECT_EQ(postprocess_fast(codes, logits, anchors, one)[0].size(), 1u);
  EXPECT_THROW(postprocess_fast(Tensor(DType::f32, {1, 2, 4}), logits, anchors), std::invalid_argument);
}

}  // namespace
}  // namespace eb::mobiledet
