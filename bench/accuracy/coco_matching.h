// Internal to the COCO evaluation (coco_eval.h): the parameters and the matching of one
// image and category. Split out so that the matching rules can be read on their own.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "bench/datasets/coco_json.h"

namespace eb::bench::coco {

inline constexpr std::size_t kIouThresholds = 10;      // 0.50:0.05:0.95
inline constexpr std::size_t kRecallThresholds = 101;  // 0:0.01:1
inline constexpr std::array<std::size_t, 3> kMaxDets = {1, 10, 100};
inline constexpr std::size_t kAreaRanges = 4;  // all, small, medium, large

struct AreaRange {
  double lo, hi;
};
inline constexpr std::array<AreaRange, kAreaRanges> kAreaRangeBounds = {
    AreaRange{0.0, 1e5 * 1e5}, AreaRange{0.0, 32.0 * 32.0}, AreaRange{32.0 * 32.0, 96.0 * 96.0}, AreaRange{96.0 * 96.0, 1e5 * 1e5}};

// The thresholds exactly as numpy.linspace computes them (start + i·step, the last set to
// the end point), so that an IoU or recall lying on a threshold compares the same way.
std::array<double, kIouThresholds> iou_thresholds();
std::array<double, kRecallThresholds> recall_thresholds();

// IoU of boxes as COCO's mask API computes it in double: 0 without overlap; for a crowd
// region, intersection over the detection's area.
double box_iou(const BoxXywh& detection, const BoxXywh& ground_truth, bool crowd);

// The outcome of matching one image and category for one area range.
struct AreaMatch {
  std::size_t non_ignored_ground_truth = 0;
  // [threshold][detection], detections in ranked order.
  std::vector<std::uint8_t> matched;  // 1: a true positive candidate (matched to some ground truth)
  std::vector<std::uint8_t> ignored;  // 1: takes no part (matched to an ignored box, or out of range)
};

struct ImageCategoryMatch {
  std::vector<double> scores;  // ranked, at most kMaxDets.back()
  std::array<AreaMatch, kAreaRanges> areas;
};

// `ground_truth` in file order; `detections` already ranked and cut to kMaxDets.back().
ImageCategoryMatch match_image_category(std::span<const CocoAnnotation* const> ground_truth,
                                        std::span<const CocoDetection* const> detections,
                                        const std::array<double, kIouThresholds>& thresholds);

}  // namespace eb::bench::coco
