// Semantic-segmentation metrics from a confusion matrix accumulated over a whole data set
// (pixels of all images counted together, as Cityscapes and PASCAL evaluations do):
//
//   IoU_c            = TP_c / (TP_c + FP_c + FN_c)
//   mIoU             = mean of IoU_c over the classes whose union TP+FP+FN is not empty
//                      (a class absent from both labels and predictions is undefined, not 0)
//   pixel accuracy   = Σ_c TP_c / labelled pixels
//   mean class acc.  = mean of TP_c / (TP_c + FN_c) over the classes present in the labels
//
// Pixels whose label is the ignore index take no part at all.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/tensor.h"

namespace eb::bench {

struct SegmentationMetrics {
  double miou = 0;
  double pixel_accuracy = 0;
  double mean_class_accuracy = 0;
  std::vector<std::optional<double>> class_iou;  // nullopt: class absent from labels and predictions
  std::uint64_t labelled_pixels = 0;
};

class ConfusionMatrix {
 public:
  // Throws std::invalid_argument unless num_classes >= 1.
  explicit ConfusionMatrix(int num_classes, int ignore_index = 255);

  // One image's labels and predicted classes, same size. Throws std::invalid_argument on a
  // size mismatch, on a prediction outside [0, C) or on a label that is neither a class nor
  // the ignore index (naming the value and the pixel).
  void add(std::span<const std::int32_t> predicted, std::span<const std::uint16_t> labels);

  int num_classes() const { return classes_; }
  int ignore_index() const { return ignore_; }
  // count(label, predicted)
  std::uint64_t count(int label, int predicted) const;
  SegmentationMetrics metrics() const;

 private:
  int classes_;
  int ignore_;
  std::vector<std::uint64_t> counts_;  // [label][predicted]
};

// Per-pixel class = index of the largest logit along `channel_axis` (the first on ties, as
// numpy and PyTorch argmax do; a NaN logit never wins, so a broken backend shows as wrong
// classes rather than as class 0). `logits` has any float dtype; the result is the logits'
// shape without that axis, flattened row-major.
std::vector<std::int32_t> argmax_classes(const Tensor& logits, int channel_axis = 1);

nlohmann::json to_json(const SegmentationMetrics& m);

}  // namespace eb::bench
