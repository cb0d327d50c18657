#include "bench/accuracy/dataset_eval.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/accuracy/coco_eval.h"

namespace eb::bench {

CocoDetection to_coco_detection(std::int64_t image_id, std::int64_t category_id, double score, double ymin, double xmin, double ymax,
                                double xmax, const ImageGeometry& geometry) {
  return {image_id, category_id, geometry.normalized_to_source(ymin, xmin, ymax, xmax), score};
}

nlohmann::json evaluate_detections(const CocoGroundTruth& ground_truth, std::span<const CocoDetection> detections) {
  nlohmann::json j = to_json(evaluate_coco(ground_truth, detections));
  j["metric"] = "coco_bbox";
  return j;
}

namespace {

// A [1, C, h, w] prediction sampled at source pixels through the preprocessing geometry.
class Resampler {
 public:
  Resampler(const Tensor& prediction, const ImageGeometry& g, const char* what) : g_(g) {
    const Shape& s = prediction.shape();
    if (s.size() == 4 && s[0] == 1) channels_ = s[1], h_ = s[2], w_ = s[3];
    else if (s.size() == 3 && s[0] == 1) channels_ = 1, h_ = s[1], w_ = s[2];
    else throw std::invalid_argument(std::string(what) + ": expected a prediction of shape [1, C, H, W], got " + to_string(s));
    if (channels_ < 1 || h_ < 1 || w_ < 1) throw std::invalid_argument(std::string(what) + ": empty prediction " + to_string(s));
    values_ = prediction.dtype() == DType::f32 ? prediction : prediction.to(DType::f32);
  }
  std::int64_t channels() const { return channels_; }

  // False when the source pixel's centre falls outside the model input.
  bool locate(int x, int y) {
    const double u = g_.input_x(x), v = g_.input_y(y);
    if (u < 0 || v < 0 || u >= g_.input_width || v >= g_.input_height) return false;
    // Continuous input coordinates to prediction sample positions (half-pixel centres).
    const double px = std::clamp(u * static_cast<double>(w_) / g_.input_width - 0.5, 0.0, static_cast<double>(w_ - 1));
    const double py = std::clamp(v * static_cast<double>(h_) / g_.input_height - 0.5, 0.0, static_cast<double>(h_ - 1));
    x0_ = static_cast<std::int64_t>(px), y0_ = static_cast<std::int64_t>(py);
    x1_ = std::min(x0_ + 1, w_ - 1), y1_ = std::min(y0_ + 1, h_ - 1);
    fx_ = px - static_cast<double>(x0_), fy_ = py - static_cast<double>(y0_);
    return true;
  }
  double sample(std::int64_t c) const {
    const auto v = values_.data<float>();
    const auto at = [&](std::int64_t yy, std::int64_t xx) { return static_cast<double>(v[static_cast<std::size_t>((c * h_ + yy) * w_ + xx)]); };
    const double top = at(y0_, x0_) * (1 - fx_) + at(y0_, x1_) * fx_;
    const double bottom = at(y1_, x0_) * (1 - fx_) + at(y1_, x1_) * fx_;
    return top * (1 - fy_) + bottom * fy_;
  }

 private:
  const ImageGeometry& g_;
  Tensor values_;
  std::int64_t channels_ = 0, h_ = 0, w_ = 0;
  std::int64_t x0_ = 0, y0_ = 0, x1_ = 0, y1_ = 0;
  double fx_ = 0, fy_ = 0;
};

void check_size(const char* what, int w, int h, const ImageGeometry& g) {
  if (w != g.source_width || h != g.source_height)
    throw std::invalid_argument(std::string(what) + ": ground truth is " + std::to_string(w) + "x" + std::to_string(h) +
                                " but the picture was " + std::to_string(g.source_width) + "x" + std::to_string(g.source_height));
}

}  // namespace

DenseEvaluator::DenseEvaluator(std::optional<int> num_classes, int ignore_index) : num_classes_(num_classes), ignore_index_(ignore_index) {}

void DenseEvaluator::add_segmentation(const Tensor& logits, const GrayImage& labels, const ImageGeometry& geometry) {
  check_size("segmentation", labels.width, labels.height, geometry);
  Resampler r(logits, geometry, "segmentation");
  const int C = static_cast<int>(r.channels());
  if (!num_classes_) num_classes_ = C;
  if (C != *num_classes_)
    throw std::invalid_argument("segmentation: the prediction has " + std::to_string(C) + " classes but the data set has " +
                                std::to_string(*num_classes_));
  if (!confusion_) confusion_.emplace(*num_classes_, ignore_index_);
  std::vector<std::int32_t> predicted;
  std::vector<std::uint16_t> kept_labels;
  predicted.reserve(labels.values.size());
  kept_labels.reserve(labels.values.size());
  for (int y = 0; y < labels.height; ++y)
    for (int x = 0; x < labels.width; ++x) {
      const std::uint16_t label = labels.at(x, y);
      if (label == ignore_index_ || !r.locate(x, y)) continue;
      std::int32_t best = 0;
      double best_v = r.sample(0);
      for (int c = 1; c < C; ++c) {
        const double v = r.sample(c);
        if (v > best_v || (std::isnan(best_v) && !std::isnan(v))) best = c, best_v = v;
      }
      predicted.push_back(best);
      kept_labels.push_back(label);
    }
  confusion_->add(predicted, kept_labels);
  ++segmentation_samples_;
}

void DenseEvaluator::add_depth(const Tensor& depth, const DepthMap& truth, const ImageGeometry& geometry) {
  check_size("depth", truth.width, truth.height, geometry);
  Resampler r(depth, geometry, "depth");
  if (r.channels() != 1) throw std::invalid_argument("depth: expected one channel, got " + std::to_string(r.channels()));
  std::vector<float> predicted, kept_truth;
  predicted.reserve(truth.metres.size());
  kept_truth.reserve(truth.metres.size());
  for (int y = 0; y < truth.height; ++y)
    for (int x = 0; x < truth.width; ++x) {
      if (!r.locate(x, y)) continue;
      predicted.push_back(static_cast<float>(r.sample(0)));
      kept_truth.push_back(truth.at(x, y));
    }
  depth_.add(predicted, kept_truth);
  ++depth_samples_;
}

nlohmann::json DenseEvaluator::result() const {
  nlohmann::json j = nlohmann::json::object();
  if (confusion_) j["segmentation"] = to_json(confusion_->metrics());
  if (depth_samples_ > 0) j["depth"] = to_json(depth_.metrics());
  j["samples"] = {{"segmentation", segmentation_samples_}, {"depth", depth_samples_}};
  return j;
}

}  // namespace eb::bench
