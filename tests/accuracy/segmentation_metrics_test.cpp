// mIoU, pixel accuracy and mean class accuracy against hand-computed answers.
#include <gtest/gtest.h>

#include "bench/accuracy/segmentation_metrics.h"

namespace eb::bench {
namespace {

// labels    0 0 1 1 2 255
// predicted 0 1 1 1 0 2     (the last pixel is ignored, whatever is predicted there)
// confusion (label → predicted): 0→0, 0→1, 1→1, 1→1, 2→0
//   class 0: TP 1, FP 1 (the 2→0), FN 1  → IoU 1/3
//   class 1: TP 2, FP 1 (the 0→1), FN 0  → IoU 2/3
//   class 2: TP 0, FP 0, FN 1            → IoU 0
// mIoU = (1/3 + 2/3 + 0)/3 = 1/3; pixel accuracy 3/5; class accuracies 1/2, 1, 0 → 1/2.
TEST(SegmentationMetrics, HandComputed) {
  ConfusionMatrix cm(3, 255);
  cm.add(std::vector<std::int32_t>{0, 1, 1, 1, 0, 2}, std::vector<std::uint16_t>{0, 0, 1, 1, 2, 255});
  const SegmentationMetrics m = cm.metrics();
  EXPECT_EQ(m.labelled_pixels, 5u);
  ASSERT_EQ(m.class_iou.size(), 3u);
  EXPECT_DOUBLE_EQ(*m.class_iou[0], 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(*m.class_iou[1], 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(*m.class_iou[2], 0.0);
  EXPECT_DOUBLE_EQ(m.miou, 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(m.pixel_accuracy, 0.6);
  EXPECT_DOUBLE_EQ(m.mean_class_accuracy, 0.5);
  EXPECT_EQ(cm.count(2, 0), 1u);
}

TEST(SegmentationMetrics, AccumulatesOverImages) {
  // The same pixels split over two images give the same answer: pixels are pooled.
  ConfusionMatrix cm(3, 255);
  cm.add(std::vector<std::int32_t>{0, 1, 1}, std::vector<std::uint16_t>{0, 0, 1});
  cm.add(std::vector<std::int32_t>{1, 0, 2}, std::vector<std::uint16_t>{1, 2, 255});
  EXPECT_DOUBLE_EQ(cm.metrics().miou, 1.0 / 3.0);
}

TEST(SegmentationMetrics, ClassAbsentFromLabelsAndPredictionsIsUndefined) {
  // Class 3 is never seen nor predicted: left out of the mean rather than counted as 0.
  ConfusionMatrix cm(4, 255);
  cm.add(std::vector<std::int32_t>{0, 1, 1, 1, 0}, std::vector<std::uint16_t>{0, 0, 1, 1, 2});
  const SegmentationMetrics m = cm.metrics();
  EXPECT_FALSE(m.class_iou[3].has_value());
  EXPECT_DOUBLE_EQ(m.miou, 1.0 / 3.0);
  const nlohmann::json j = to_json(m);
  EXPECT_TRUE(j["class_iou"][3].is_null());
}

TEST(SegmentationMetrics, OtherIgnoreIndex) {
  ConfusionMatrix cm(2, 0);  // label 0 means "ignore" here; classes are 0..1 but 0 never counts
  cm.add(std::vector<std::int32_t>{1, 1, 0}, std::vector<std::uint16_t>{0, 1, 1});
  const SegmentationMetrics m = cm.metrics();
  EXPECT_EQ(m.labelled_pixels, 2u);
  EXPECT_DOUBLE_EQ(m.pixel_accuracy, 0.5);
}

TEST(SegmentationMetrics, RejectsBadInput) {
  ConfusionMatrix cm(3, 255);
  EXPECT_THROW(cm.add(std::vector<std::int32_t>{0}, std::vector<std::uint16_t>{0, 1}), std::invalid_argument);
  try {
    cm.add(std::vector<std::int32_t>{0, 0}, std::vector<std::uint16_t>{0, 7});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("label 7 at pixel 1"), std::string::npos) << e.what();
  }
  EXPECT_THROW(cm.add(std::vector<std::int32_t>{3}, std::vector<std::uint16_t>{0}), std::invalid_argument);
  EXPECT_THROW(ConfusionMatrix(0), std::invalid_argument);
}

TEST(SegmentationMetrics, ArgmaxTakesTheFirstOfEqualLogits) {
  // [1, 3, 1, 3]: pixel 0 → class 2, pixel 1 → tie of 0 and 1 → 0, pixel 2 → 1.
  const Tensor logits = Tensor::from_f32({1, 3, 1, 3}, {0, 5, 1,  //
                                                        1, 5, 9,  //
                                                        4, 2, 3});
  EXPECT_EQ(argmax_classes(logits), (std::vector<std::int32_t>{2, 0, 1}));
  // Channel last: [1, 3, 3] along axis 2.
  const Tensor last = Tensor::from_f32({1, 1, 3}, {0.5f, 0.7f, 0.1f});
  EXPECT_EQ(argmax_classes(last, -1), (std::vector<std::int32_t>{1}));
}

}  // namespace
}  // namespace eb::bench
