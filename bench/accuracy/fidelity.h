// Fidelity to the reference backend: how far a backend's outputs are from the reference's
// outputs for the same inputs and weights. Needs no data set, so every run can record it.
//
//   relative L2   ‖a − r‖₂ / ‖r‖₂  (0 when both are zero, +inf when only r is)
//   max abs       max |a − r|
//   max relative  max |a − r| / max |r|: the worst error against the reference's range
//                 (element-wise |a − r| / |r| is dominated by values near zero, which in
//                 logits and activations say nothing about accuracy); 0 / +inf as above
//   RMSE          √(Σ (a − r)² / n)
//   cosine        a·r / (‖a‖₂ ‖r‖₂)  (1 when both are zero, 0 when only one is)
//   argmax agreement (class maps, class logits)   fraction of positions whose arg-max
//                                   class (top-1) is the same
//   detection agreement             COCO evaluation of the backend's detections with the
//                                   reference's detections as ground truth (each a
//                                   non-crowd box of area w·h): 1.0 means the same boxes
//                                   and classes in the same score order.
// Sums are in double. A NaN or infinity in a backend's output is counted (non_finite) and
// makes the affected figures NaN rather than being skipped; JSON writes any figure that is
// not finite (NaN, or the infinite relative L2 of an all-zero reference) as null.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/accuracy/coco_eval.h"
#include "core/tensor.h"

namespace eb::bench {

struct TensorFidelity {
  double relative_l2 = 0;
  double max_abs = 0;
  double max_relative = 0;
  double rmse = 0;
  double cosine = 1;
  std::size_t elements = 0;
  std::size_t non_finite = 0;  // in the backend's output
};

// Any numeric dtypes (compared as float). Throws std::invalid_argument when shapes differ.
TensorFidelity compare_tensors(const Tensor& reference, const Tensor& actual);

// Fraction of positions whose class (arg-max along channel_axis) agrees. Throws on shape
// mismatch.
double argmax_agreement(const Tensor& reference_logits, const Tensor& logits, int channel_axis = 1);

struct DetectionAgreement {
  CocoSummary summary;  // AP, AP50, ... of `actual` against `reference`
  std::size_t reference_detections = 0;
  std::size_t detections = 0;
  std::size_t non_finite = 0;  // detections of `actual` dropped for a score or box that is not finite
};

// Images are those named by either list; categories those of the reference. Reference
// detections scoring below `reference_min_score` are not taken as ground truth.
DetectionAgreement detection_agreement(std::span<const CocoDetection> reference, std::span<const CocoDetection> actual,
                                       double reference_min_score = 0);

struct FidelityOptions {
  std::vector<std::string> class_map_outputs;  // outputs that are per-position class logits
  int channel_axis = 1;                        // their class axis (negative: from the end)
};

// {"outputs": {NAME: {"relative_l2", "max_abs", "max_relative", "rmse", "cosine", "elements",
//                     "non_finite" [, "argmax_agreement"]}, ...},
//  "max_relative_l2", "max_abs", "max_relative", "min_cosine" [, "min_argmax_agreement"]}:
// the worst over the outputs.
// Throws std::invalid_argument when the three lists differ in length or shapes differ.
nlohmann::json fidelity_json(std::span<const std::string> names, std::span<const Tensor> reference,
                             std::span<const Tensor> actual, const FidelityOptions& options = {});

// {"reference_as_ground_truth": {"AP", ..., "ARl"}, "reference_detections", "detections", "non_finite"}
nlohmann::json to_json(const DetectionAgreement& agreement);

}  // namespace eb::bench
