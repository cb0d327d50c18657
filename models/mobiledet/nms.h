// Class-wise non-maximum suppression as TF's batch_non_max_suppression does it
// (research/object_detection/core/post_processing.py: multiclass_non_max_suppression,
// with the configs' post_processing: score_threshold 1e-8, iou_threshold 0.6,
// max_detections_per_class 100, max_total_detections 100; clip window = the whole image).
//
//   1. per class: keep boxes with score > score_threshold; greedily take the best
//      remaining box and drop every box whose IoU with it is > iou_threshold, up to
//      max_detections_per_class boxes (tf.image.non_max_suppression; equal scores: lower
//      box index first, as TF's kernel orders its candidates);
//   2. concatenate the classes in class order and sort by score, stable (tf.nn.top_k keeps
//      ties in input order, so equal scores go lower class first);
//   3. clip every box to the clip window and drop boxes left with zero area;
//   4. keep the first max_total_detections.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "models/mobiledet/box.h"

namespace eb::mobiledet {

struct NmsConfig {
  float score_threshold = 1e-8f;
  float iou_threshold = 0.6f;
  int max_detections_per_class = 100;
  int max_total_detections = 100;
  std::optional<Box> clip_window = Box{0, 0, 1, 1};
};

// Detections of one image, best first.
struct Detections {
  std::vector<Box> boxes;
  std::vector<float> scores;
  std::vector<int> classes;
  std::size_t size() const { return scores.size(); }
};

// Single-class greedy NMS; returns the kept indices, best first.
std::vector<std::size_t> non_max_suppression(std::span<const Box> boxes, std::span<const float> scores,
                                             float score_threshold, float iou_threshold, int max_output);

// `scores` is [boxes.size(), num_classes] row-major; a detection's class is its column.
// Throws std::invalid_argument when the sizes disagree.
Detections multiclass_nms(std::span<const Box> boxes, std::span<const float> scores, int num_classes,
                          const NmsConfig& config = {});

}  // namespace eb::mobiledet
