// COCO bounding-box evaluation, to the letter of the COCO detection evaluation
// (pycocotools COCOeval, iouType "bbox", default parameters):
//
//   * Images are every image of the ground truth, categories every listed category;
//     detections of unlisted categories take no part.
//   * Per image and category, detections are ranked by score (ties keep file order) and
//     only the first 100 (the largest maxDets) are matched. A ground-truth box is ignored
//     when it is a crowd region or its annotated `area` lies outside the area range
//     (ranges closed at both ends: all [0, 1e10], small [0, 32²], medium [32², 96²],
//     large [96², 1e10]). Ground truth is visited with ignored boxes last.
//   * At each IoU threshold t of 0.50:0.05:0.95 each detection, best first, takes the
//     still-unmatched ground truth of highest IoU >= t (a later box wins an exact tie);
//     crowd regions can take any number of detections, and once a detection holds a
//     regular box it does not move to an ignored one. IoU of a crowd region is
//     intersection over the detection's area.
//   * A detection matched to an ignored box is ignored; so is an unmatched detection whose
//     own area (w·h) is outside the area range.
//   * Per category, area range and maxDets (1, 10, 100: the first N ranked detections of
//     each image, within the category — pycocotools applies maxDets per image and category),
//     detections of all images are ranked by score (ties: image-id order,
//     then rank within the image). Recall = TP/(non-ignored GT); precision = TP/(TP+FP+ε)
//     made non-increasing from the right; precision at each of the 101 recall thresholds
//     0:0.01:1 is that at the first rank whose recall reaches it (0 if none). AP is the mean
//     over thresholds; AR is the final recall, averaged over the IoU thresholds.
//   * A category without non-ignored ground truth (for that area range) is undefined (-1)
//     and left out of every mean; a summary with no defined category is -1.
//
// One deliberate departure: pycocotools marks a match by storing the ground-truth id, so a
// ground-truth annotation with id 0 silently scores its match as a false positive. Here a
// match is a match; the evaluation's notes say when a file has such an id.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/datasets/coco_json.h"

namespace eb::bench {

// The 12 standard numbers, as fractions (-1 where undefined), in pycocotools' order.
struct CocoSummary {
  double ap = -1;         // AP @[IoU 0.50:0.95, area all, maxDets 100]
  double ap50 = -1;       // AP @[IoU 0.50]
  double ap75 = -1;       // AP @[IoU 0.75]
  double ap_small = -1;   // AP, area small
  double ap_medium = -1;  // AP, area medium
  double ap_large = -1;   // AP, area large
  double ar1 = -1;        // AR @[maxDets 1]
  double ar10 = -1;       // AR @[maxDets 10]
  double ar100 = -1;      // AR @[maxDets 100]
  double ar_small = -1;   // AR, area small
  double ar_medium = -1;  // AR, area medium
  double ar_large = -1;   // AR, area large

  std::array<double, 12> values() const {
    return {ap, ap50, ap75, ap_small, ap_medium, ap_large, ar1, ar10, ar100, ar_small, ar_medium, ar_large};
  }
};

// JSON keys of CocoSummary::values(), in the same order.
inline constexpr std::array<std::string_view, 12> kCocoSummaryKeys = {"AP",  "AP50", "AP75",  "APs",  "APm", "APl",
                                                                      "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"};

struct CocoCategoryResult {
  std::int64_t id = 0;
  std::string name;
  std::size_t ground_truth = 0;  // annotations that are not crowd regions
  std::size_t detections = 0;
  double ap = -1;    // IoU 0.50:0.95, all areas, maxDets 100; -1 without ground truth
  double ap50 = -1;
  double ar100 = -1;
};

struct CocoEvaluation {
  CocoSummary summary;
  std::vector<CocoCategoryResult> categories;  // in category-id order
  std::size_t images = 0;
  std::size_t detections = 0;                     // of listed categories
  std::size_t detections_of_unknown_category = 0;  // left out, as pycocotools does
  std::size_t detections_beyond_max_dets = 0;      // ranked past 100 in their image and category
  std::vector<std::string> notes;                  // things a reader comparing with other tools should know
};

// Throws std::invalid_argument when a detection names an image the ground truth lacks, or
// has a negative size or a score that is not finite.
CocoEvaluation evaluate_coco(const CocoGroundTruth& ground_truth, std::span<const CocoDetection> detections);

// {"AP": ..., ..., "ARl": ...}
nlohmann::json summary_json(const CocoSummary& summary);
// {"summary": {...}, "per_category": [...], "images", "detections", ... , "notes": [...]}
nlohmann::json to_json(const CocoEvaluation& evaluation);
// The 12 lines in the layout pycocotools prints, e.g.
// " Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.378"
std::string format_summary(const CocoSummary& summary);

}  // namespace eb::bench
