#include "models/mobiledet/postprocess.h"

#include <cmath>
#include <stdexcept>

namespace eb::mobiledet {

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

namespace {

void check_shapes(const Tensor& box_encodings, const Tensor& class_logits, std::int64_t n) {
  const Shape& bs = box_encodings.shape();
  const Shape& cs = class_logits.shape();
  if (bs.size() != 3 || bs[1] != n || bs[2] != 4)
    throw std::invalid_argument("post-processing: box encodings " + to_string(bs) + " do not match " + std::to_string(n) +
                                " anchors");
  if (cs.size() != 3 || cs[0] != bs[0] || cs[1] != n || cs[2] < 2)
    throw std::invalid_argument("post-processing: class logits " + to_string(cs) + " do not match box encodings " +
                                to_string(bs));
}

}  // namespace

std::vector<Detections> postprocess_fast(const Tensor& box_encodings, const Tensor& class_logits, std::span<const Box> anchors,
                                         const FastPostprocessConfig& config) {
  const auto n = static_cast<std::int64_t>(anchors.size());
  check_shapes(box_encodings, class_logits, n);
  const std::int64_t slots = class_logits.shape()[2];
  const auto codes = box_encodings.data<float>();
  const auto logits = class_logits.data<float>();
  std::vector<Detections> out;
  std::vector<float> best_score(static_cast<std::size_t>(n));
  std::vector<int> best_class(static_cast<std::size_t>(n));
  for (std::int64_t b = 0; b < box_encodings.shape()[0]; ++b) {
    const auto boxes = decode_boxes(codes.subspan(static_cast<std::size_t>(b * n * 4), static_cast<std::size_t>(n * 4)),
                                    anchors, config.box_coder);
    for (std::int64_t i = 0; i < n; ++i) {
      const auto row = logits.subspan(static_cast<std::size_t>((b * n + i) * slots), static_cast<std::size_t>(slots));
      int c = 1;  // slot 0 is background
      for (int k = 2; k < slots; ++k)
        if (row[static_cast<std::size_t>(k)] > row[static_cast<std::size_t>(c)]) c = k;
      best_class[static_cast<std::size_t>(i)] = c;
      best_score[static_cast<std::size_t>(i)] = static_cast<float>(sigmoid(row[static_cast<std::size_t>(c)]));  // monotone: max first
    }
    Detections d;
    for (std::size_t k : non_max_suppression(boxes, best_score, config.score_threshold, config.iou_threshold, config.max_detections)) {
      d.boxes.push_back(boxes[k]);
      d.scores.push_back(best_score[k]);
      d.classes.push_back(best_class[k]);
    }
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<Detections> postprocess(const Tensor& box_encodings, const Tensor& class_logits, std::span<const Box> anchors,
                                    const PostprocessConfig& config) {
  check_shapes(box_encodings, class_logits, static_cast<std::int64_t>(anchors.size()));
  const Shape& bs = box_encodings.shape();
  const Shape& cs = class_logits.shape();
  const auto n = static_cast<std::int64_t>(anchors.size());
  const std::int64_t slots = cs[2];
  const int classes = static_cast<int>(slots - 1);
  const auto codes = box_encodings.data<float>();
  const auto logits = class_logits.data<float>();

  std::vector<Detections> out;
  std::vector<float> scores(static_cast<std::size_t>(n * classes));
  for (std::int64_t b = 0; b < bs[0]; ++b) {
    const auto boxes = decode_boxes(codes.subspan(static_cast<std::size_t>(b * n * 4), static_cast<std::size_t>(n * 4)),
                                    anchors, config.box_coder);
    const auto image_logits = logits.subspan(static_cast<std::size_t>(b * n * slots), static_cast<std::size_t>(n * slots));
    for (std::int64_t i = 0; i < n; ++i)
      for (int c = 0; c < classes; ++c)
        scores[static_cast<std::size_t>(i * classes + c)] =
            static_cast<float>(sigmoid(image_logits[static_cast<std::size_t>(i * slots + c + 1)]));
    Detections d = multiclass_nms(boxes, scores, classes, config.nms);
    for (int& c : d.classes) ++c;  // back to slot indices: slot 0 (background) was dropped
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace eb::mobiledet
