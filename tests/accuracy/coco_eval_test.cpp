// COCO evaluation on cases small enough to compute by hand.
#include <gtest/gtest.h>

#include "bench/accuracy/coco_eval.h"
#include "bench/accuracy/coco_matching.h"

namespace eb::bench {
namespace {

CocoGroundTruth ground_truth(std::vector<CocoAnnotation> annotations, int images = 1, int categories = 1) {
  CocoGroundTruth gt;
  gt.source = "gt.json";
  for (int i = 1; i <= images; ++i) gt.images.push_back({i, "", 100, 100});
  for (int c = 1; c <= categories; ++c) gt.categories.push_back({c, std::to_string(c)});
  gt.annotations = std::move(annotations);
  return gt;
}

CocoAnnotation box(std::int64_t id, std::int64_t image, std::int64_t category, BoxXywh b, bool crowd = false) {
  return {id, image, category, b, b.w * b.h, crowd};
}

TEST(CocoEval, PerfectDetectionsScoreOne) {
  const auto gt = ground_truth({box(1, 1, 1, {10, 10, 50, 40}), box(2, 1, 1, {60, 60, 20, 20}), box(3, 2, 1, {0, 0, 99, 99})}, 2);
  const std::vector<CocoDetection> dt = {{1, 1, {10, 10, 50, 40}, 0.9}, {1, 1, {60, 60, 20, 20}, 0.8}, {2, 1, {0, 0, 99, 99}, 0.7}};
  const CocoSummary s = evaluate_coco(gt, dt).summary;
  EXPECT_DOUBLE_EQ(s.ap, 1.0);
  EXPECT_DOUBLE_EQ(s.ap50, 1.0);
  EXPECT_DOUBLE_EQ(s.ar100, 1.0);
  EXPECT_DOUBLE_EQ(s.ar1, 2.0 / 3.0) << "image 1 has two objects; with one detection per image only one is found";
  EXPECT_DOUBLE_EQ(s.ap_small, 1.0);   // 20x20 = 400 <= 32²
  EXPECT_DOUBLE_EQ(s.ap_medium, 1.0);  // 50x40 = 2000
  EXPECT_DOUBLE_EQ(s.ap_large, 1.0);   // 99x99 = 9801 >= 96²
}

TEST(CocoEval, IouOfExactlyAThresholdMatchesAtThatThreshold) {
  // IoU = 60/100 = 0.6: a match at 0.50, 0.55 and 0.60, not above; AP = AR = 3/10.
  const auto gt = ground_truth({box(1, 1, 1, {0, 0, 10, 10})});
  const std::vector<CocoDetection> dt = {{1, 1, {0, 0, 10, 6}, 0.5}};
  const CocoSummary s = evaluate_coco(gt, dt).summary;
  EXPECT_DOUBLE_EQ(s.ap, 0.3);
  EXPECT_DOUBLE_EQ(s.ap50, 1.0);
  EXPECT_DOUBLE_EQ(s.ap75, 0.0);
  EXPECT_DOUBLE_EQ(s.ar100, 0.3);
}

TEST(CocoEval, ThresholdsAreNumpyLinspace) {
  const auto t = coco::iou_thresholds();
  EXPECT_EQ(t[0], 0.5);
  EXPECT_EQ(t[5], 0.75);
  EXPECT_EQ(t[8], 0.8999999999999999);  // numpy gives this, not 0.9
  EXPECT_EQ(t[9], 0.95);
  const auto r = coco::recall_thresholds();
  EXPECT_EQ(r[1], 0.01);
  EXPECT_EQ(r[100], 1.0);
}

TEST(CocoEval, CrowdIouIsOverTheDetectionArea) {
  EXPECT_DOUBLE_EQ(coco::box_iou({0, 0, 10, 10}, {5, 5, 10, 10}, false), 25.0 / 175.0);
  EXPECT_DOUBLE_EQ(coco::box_iou({0, 0, 10, 10}, {5, 5, 10, 10}, true), 25.0 / 100.0);
  EXPECT_DOUBLE_EQ(coco::box_iou({0, 0, 10, 10}, {10, 0, 10, 10}, false), 0.0);  // touching edges
  EXPECT_DOUBLE_EQ(coco::box_iou({0, 0, 0, 10}, {0, 0, 10, 10}, true), 0.0);     // empty detection
}

TEST(CocoEval, DetectionsInsideACrowdRegionAreNeitherTrueNorFalse) {
  // The crowd detections score highest; were they false positives, precision would drop.
  const auto gt = ground_truth({box(1, 1, 1, {0, 0, 60, 60}, true), box(2, 1, 1, {70, 70, 20, 20})});
  const std::vector<CocoDetection> dt = {
      {1, 1, {5, 5, 10, 10}, 0.99}, {1, 1, {20, 20, 10, 10}, 0.98}, {1, 1, {70, 70, 20, 20}, 0.5}};
  const CocoEvaluation e = evaluate_coco(gt, dt);
  EXPECT_DOUBLE_EQ(e.summary.ap, 1.0);
  EXPECT_DOUBLE_EQ(e.summary.ar100, 1.0);
  EXPECT_EQ(e.categories[0].ground_truth, 1u) << "crowd regions are not counted as objects";
}

TEST(CocoEval, CategoryWithoutGroundTruthIsLeftOutOfTheMean) {
  // Category 2 is listed but has no objects: undefined (-1), not 0, so the mean stays 1.
  const auto gt = ground_truth({box(1, 1, 1, {0, 0, 50, 50})}, 1, 2);
  const std::vector<CocoDetection> dt = {{1, 1, {0, 0, 50, 50}, 0.9}, {1, 2, {10, 10, 30, 30}, 0.8}};
  const CocoEvaluation e = evaluate_coco(gt, dt);
  EXPECT_DOUBLE_EQ(e.summary.ap, 1.0);
  EXPECT_DOUBLE_EQ(e.categories[1].ap, -1.0);
  EXPECT_DOUBLE_EQ(e.summary.ap_small, -1.0) << "no small objects anywhere";
}

TEST(CocoEval, NothingToEvaluateIsMinusOneEverywhere) {
  const CocoEvaluation e = evaluate_coco(ground_truth({}), {});
  for (double v : e.summary.values()) EXPECT_DOUBLE_EQ(v, -1.0);
}

TEST(CocoEval, NoDetectionsScoreZero) {
  const CocoEvaluation e = evaluate_coco(ground_truth({box(1, 1, 1, {0, 0, 50, 50})}), {});
  EXPECT_DOUBLE_EQ(e.summary.ap, 0.0);
  EXPECT_DOUBLE_EQ(e.summary.ar100, 0.0);
}

TEST(CocoEval, MaxDetsCountsPerImage) {
  // The right box is ranked second: found with 10 detections, not with 1.
  const auto gt = ground_truth({box(1, 1, 1, {0, 0, 50, 50})});
  const std::vector<CocoDetection> dt = {{1, 1, {60, 60, 30, 30}, 0.9}, {1, 1, {0, 0, 50, 50}, 0.8}};
  const CocoSummary s = evaluate_coco(gt, dt).summary;
  EXPECT_DOUBLE_EQ(s.ar1, 0.0);
  EXPECT_DOUBLE_EQ(s.ar10, 1.0);
  EXPECT_DOUBLE_EQ(s.ap, 0.5);  // precision 1/2 at recall 1, for every threshold
}

TEST(CocoEval, AreaRangeUsesTheAnnotatedArea) {
  // A 40x40 box (1600, medium) whose segment is only 1000 (small): it counts as small.
  CocoAnnotation a = box(1, 1, 1, {0, 0, 40, 40});
  a.area = 1000;
  const CocoSummary s = evaluate_coco(ground_truth({a}), std::vector<CocoDetection>{{1, 1, {0, 0, 40, 40}, 0.9}}).summary;
  EXPECT_DOUBLE_EQ(s.ap_small, 1.0);
  EXPECT_DOUBLE_EQ(s.ap_medium, -1.0);
}

TEST(CocoEval, AreaBoundsAreClosed) {
  // Area exactly 32² is both small and medium.
  const auto gt = ground_truth({box(1, 1, 1, {0, 0, 32, 32})});
  const CocoSummary s = evaluate_coco(gt, std::vector<CocoDetection>{{1, 1, {0, 0, 32, 32}, 0.9}}).summary;
  EXPECT_DOUBLE_EQ(s.ap_small, 1.0);
  EXPECT_DOUBLE_EQ(s.ap_medium, 1.0);
}

TEST(CocoEval, UnknownCategoriesAndExcessDetectionsAreCountedAndNoted) {
  const auto gt = ground_truth({box(1, 1, 1, {0, 0, 50, 50})});
  std::vector<CocoDetection> dt = {{1, 7, {0, 0, 50, 50}, 0.9}};
  for (int i = 0; i < 105; ++i) dt.push_back({1, 1, {0, 0, 5, 5}, 0.1});
  const CocoEvaluation e = evaluate_coco(gt, dt);
  EXPECT_EQ(e.detections_of_unknown_category, 1u);
  EXPECT_EQ(e.detections_beyond_max_dets, 5u);
  EXPECT_EQ(e.notes.size(), 2u);
}

TEST(CocoEval, DetectionOnAnImageNotInTheGroundTruthIsRejected) {
  const auto gt = ground_truth({});
  try {
    evaluate_coco(gt, std::vector<CocoDetection>{{1, 1, {0, 0, 1, 1}, 0.5}, {42, 1, {0, 0, 1, 1}, 0.5}});
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("detections[1]"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("image_id 42"), std::string::npos) << e.what();
  }
}

TEST(CocoEval, GroundTruthIdZeroIsNoted) {
  const auto gt = ground_truth({box(0, 1, 1, {0, 0, 50, 50})});
  const CocoEvaluation e = evaluate_coco(gt, std::vector<CocoDetection>{{1, 1, {0, 0, 50, 50}, 0.9}});
  EXPECT_DOUBLE_EQ(e.summary.ap, 1.0);
  ASSERT_EQ(e.notes.size(), 1u);
  EXPECT_NE(e.notes[0].find("id 0"), std::string::npos);
}

TEST(CocoEval, SummaryJsonAndTable) {
  const CocoSummary s = evaluate_coco(ground_truth({box(1, 1, 1, {0, 0, 50, 50})}),
                                      std::vector<CocoDetection>{{1, 1, {0, 0, 50, 50}, 0.9}})
                            .summary;
  const nlohmann::json j = summary_json(s);
  EXPECT_EQ(j.size(), 12u);
  for (auto key : kCocoSummaryKeys) EXPECT_TRUE(j.contains(std::string(key))) << key;
  EXPECT_DOUBLE_EQ(j["AP"].get<double>(), 1.0);
  const std::string table = format_summary(s);
  EXPECT_EQ(std::count(table.begin(), table.end(), '\n'), 12);
  EXPECT_NE(table.find(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 1.000\n"), std::string::npos)
      << table;
  EXPECT_NE(table.find(" Average Recall     (AR) @[ IoU=0.50:0.95 | area= large | maxDets=100 ] = -1.000"), std::string::npos)
      << table;
}

}  // namespace
}  // namespace eb::bench
