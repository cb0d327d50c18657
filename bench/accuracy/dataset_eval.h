// Data-set accuracy for the run command: task metrics of a backend's predictions on a data
// set, computed where the standards compute them — detections in the original image's
// pixel coordinates, dense maps at the label's resolution.
//
// Usage (accuracy mode, separate from timed runs):
//   detections:  for each image: preprocess (datasets/preprocess.h), run, decode, then
//                to_coco_detection(...) with the image's ImageGeometry; finally
//                evaluate_detections(dataset.ground_truth(), all_detections).
//   dense:       DenseEvaluator ev(info.num_classes, info.ignore_index); per sample:
//                ev.add_segmentation(logits, *sample.label, geometry) and/or
//                ev.add_depth(depth, *sample.depth, geometry); finally ev.result().
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include <nlohmann/json.hpp>

#include "bench/accuracy/depth_metrics.h"
#include "bench/accuracy/segmentation_metrics.h"
#include "bench/datasets/coco_json.h"
#include "bench/datasets/image.h"
#include "bench/datasets/preprocess.h"
#include "core/tensor.h"

namespace eb::bench {

// A detection in TF's normalised [ymin, xmin, ymax, xmax] of the model input, in the
// original image's pixels (through the preprocessing geometry).
CocoDetection to_coco_detection(std::int64_t image_id, std::int64_t category_id, double score, double ymin, double xmin,
                                double ymax, double xmax, const ImageGeometry& geometry);

// {"metric": "coco_bbox", "summary": {"AP", ..., "ARl"}, "per_category": [...], "images",
//  "detections", ..., "notes": [...]} (coco_eval.h).
nlohmann::json evaluate_detections(const CocoGroundTruth& ground_truth, std::span<const CocoDetection> detections);

class DenseEvaluator {
 public:
  // num_classes: the data set's, when it declares one; otherwise the model's, taken from
  // the first segmentation prediction.
  explicit DenseEvaluator(std::optional<int> num_classes = std::nullopt, int ignore_index = 255);

  // logits [1, C, h, w] (any float dtype; any h, w: the map covers the model input) and the
  // sample's label map at picture size. Logits are resampled bilinearly (half-pixel
  // centres) to every labelled pixel's position in the model input, then arg-maxed; pixels
  // the model never saw (cut by a centre crop) are left out like ignored ones. Throws on a
  // channel count that differs from num_classes.
  void add_segmentation(const Tensor& logits, const GrayImage& labels, const ImageGeometry& geometry);

  // depth [1, 1, h, w] or [1, h, w] in metres, resampled the same way, against the
  // sample's depth map at picture size.
  void add_depth(const Tensor& depth, const DepthMap& truth, const ImageGeometry& geometry);

  // {"segmentation": {miou, pixel_accuracy, ...}, "depth": {rmse, abs_rel, delta1, ...},
  //  "samples": {"segmentation": n, "depth": n}}; a part is absent when nothing was added.
  nlohmann::json result() const;

 private:
  std::optional<int> num_classes_;
  int ignore_index_;
  std::optional<ConfusionMatrix> confusion_;
  DepthAccumulator depth_;
  std::size_t segmentation_samples_ = 0;
  std::size_t depth_samples_ = 0;
};

}  // namespace eb::bench
