#include "models/mobiledet/nms.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>

namespace eb::mobiledet {

std::vector<std::size_t> non_max_suppression(std::span<const Box> boxes, std::span<const float> scores,
                                             float score_threshold, float iou_threshold, int max_output) {
  if (boxes.size() != scores.size())
    throw std::invalid_argument("NMS: " + std::to_string(boxes.size()) + " boxes but " + std::to_string(scores.size()) +
                                " scores");
  std::vector<std::size_t> candidates;
  for (std::size_t i = 0; i < scores.size(); ++i)
    if (scores[i] > score_threshold) candidates.push_back(i);
  // Indices ascend before the sort, so a stable sort puts equal scores lower index first.
  std::stable_sort(candidates.begin(), candidates.end(), [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });

  std::vector<std::size_t> kept;
  for (std::size_t c : candidates) {
    if (static_cast<int>(kept.size()) >= max_output) break;
    const bool suppressed =
        std::any_of(kept.begin(), kept.end(), [&](std::size_t k) { return iou(boxes[k], boxes[c]) > iou_threshold; });
    if (!suppressed) kept.push_back(c);
  }
  return kept;
}

Detections multiclass_nms(std::span<const Box> boxes, std::span<const float> scores, int num_classes,
                          const NmsConfig& config) {
  const std::size_t n = boxes.size();
  if (num_classes < 1 || scores.size() != n * static_cast<std::size_t>(num_classes))
    throw std::invalid_argument("multiclass NMS: " + std::to_string(scores.size()) + " scores for " + std::to_string(n) +
                                " boxes and " + std::to_string(num_classes) + " classes");
  struct Candidate {
    Box box;
    float score;
    int cls;
  };
  std::vector<Candidate> merged;
  std::vector<float> class_scores(n);
  for (int c = 0; c < num_classes; ++c) {
    for (std::size_t i = 0; i < n; ++i) class_scores[i] = scores[i * static_cast<std::size_t>(num_classes) + static_cast<std::size_t>(c)];
    for (std::size_t k : non_max_suppression(boxes, class_scores, config.score_threshold, config.iou_threshold,
                                             config.max_detections_per_class))
      merged.push_back({boxes[k], class_scores[k], c});
  }
  std::stable_sort(merged.begin(), merged.end(), [](const Candidate& a, const Candidate& b) { return a.score > b.score; });

  Detections out;
  for (const Candidate& d : merged) {
    if (static_cast<int>(out.size()) >= config.max_total_detections) break;
    const Box box = config.clip_window ? clip_to_window(d.box, *config.clip_window) : d.box;
    if (config.clip_window && area(box) <= 0) continue;  // TF prunes boxes clipped to nothing
    out.boxes.push_back(box);
    out.scores.push_back(d.score);
    out.classes.push_back(d.cls);
  }
  return out;
}

}  // namespace eb::mobiledet
