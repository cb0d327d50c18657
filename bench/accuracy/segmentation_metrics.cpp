#include "bench/accuracy/segmentation_metrics.h"

#include <stdexcept>
#include <string>

namespace eb::bench {

ConfusionMatrix::ConfusionMatrix(int num_classes, int ignore_index) : classes_(num_classes), ignore_(ignore_index) {
  if (num_classes < 1) throw std::invalid_argument("segmentation metrics need at least one class, not " + std::to_string(num_classes));
  counts_.assign(static_cast<std::size_t>(num_classes) * static_cast<std::size_t>(num_classes), 0);
}

void ConfusionMatrix::add(std::span<const std::int32_t> predicted, std::span<const std::uint16_t> labels) {
  if (predicted.size() != labels.size())
    throw std::invalid_argument("segmentation: " + std::to_string(predicted.size()) + " predicted pixels but " +
                                std::to_string(labels.size()) + " labelled pixels");
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const int label = labels[i];
    if (label == ignore_) continue;
    if (label >= classes_)
      throw std::invalid_argument("segmentation: label " + std::to_string(label) + " at pixel " + std::to_string(i) +
                                  " is neither a class (0.." + std::to_string(classes_ - 1) + ") nor the ignore index " +
                                  std::to_string(ignore_));
    const int p = predicted[i];
    if (p < 0 || p >= classes_)
      throw std::invalid_argument("segmentation: predicted class " + std::to_string(p) + " at pixel " + std::to_string(i) +
                                  " is outside 0.." + std::to_string(classes_ - 1));
    ++counts_[static_cast<std::size_t>(label) * static_cast<std::size_t>(classes_) + static_cast<std::size_t>(p)];
  }
}

std::uint64_t ConfusionMatrix::count(int label, int predicted) const {
  if (label < 0 || label >= classes_ || predicted < 0 || predicted >= classes_) throw std::out_of_range("confusion matrix index");
  return counts_[static_cast<std::size_t>(label) * static_cast<std::size_t>(classes_) + static_cast<std::size_t>(predicted)];
}

SegmentationMetrics ConfusionMatrix::metrics() const {
  const auto C = static_cast<std::size_t>(classes_);
  std::vector<std::uint64_t> tp(C, 0), label_total(C, 0), predicted_total(C, 0);
  std::uint64_t total = 0;
  for (std::size_t l = 0; l < C; ++l)
    for (std::size_t p = 0; p < C; ++p) {
      const std::uint64_t n = counts_[l * C + p];
      label_total[l] += n;
      predicted_total[p] += n;
      total += n;
      if (l == p) tp[l] = n;
    }
  SegmentationMetrics m;
  m.labelled_pixels = total;
  m.class_iou.resize(C);
  double iou_sum = 0, acc_sum = 0, correct = 0;
  std::size_t iou_n = 0, acc_n = 0;
  for (std::size_t c = 0; c < C; ++c) {
    correct += static_cast<double>(tp[c]);
    const std::uint64_t uni = label_total[c] + predicted_total[c] - tp[c];
    if (uni > 0) {
      m.class_iou[c] = static_cast<double>(tp[c]) / static_cast<double>(uni);
      iou_sum += *m.class_iou[c];
      ++iou_n;
    }
    if (label_total[c] > 0) {
      acc_sum += static_cast<double>(tp[c]) / static_cast<double>(label_total[c]);
      ++acc_n;
    }
  }
  m.miou = iou_n > 0 ? iou_sum / static_cast<double>(iou_n) : 0.0;
  m.pixel_accuracy = total > 0 ? correct / static_cast<double>(total) : 0.0;
  m.mean_class_accuracy = acc_n > 0 ? acc_sum / static_cast<double>(acc_n) : 0.0;
  return m;
}

std::vector<std::int32_t> argmax_classes(const Tensor& logits, int channel_axis) {
  const int rank = logits.rank();
  if (channel_axis < 0) channel_axis += rank;
  if (channel_axis < 0 || channel_axis >= rank)
    throw std::invalid_argument("argmax_classes: channel axis out of range for shape " + to_string(logits.shape()));
  const Tensor f = logits.dtype() == DType::f32 ? logits : logits.to(DType::f32);
  const auto v = f.data<float>();
  std::int64_t outer = 1, inner = 1;
  for (int d = 0; d < channel_axis; ++d) outer *= logits.shape()[static_cast<std::size_t>(d)];
  for (int d = channel_axis + 1; d < rank; ++d) inner *= logits.shape()[static_cast<std::size_t>(d)];
  const std::int64_t C = logits.shape()[static_cast<std::size_t>(channel_axis)];
  if (C < 1) throw std::invalid_argument("argmax_classes: no channels in shape " + to_string(logits.shape()));
  std::vector<std::int32_t> out(static_cast<std::size_t>(outer * inner));
  for (std::int64_t o = 0; o < outer; ++o)
    for (std::int64_t i = 0; i < inner; ++i) {
      std::int32_t best = 0;
      float best_v = v[static_cast<std::size_t>(o * C * inner + i)];
      for (std::int64_t c = 1; c < C; ++c) {
        const float x = v[static_cast<std::size_t>((o * C + c) * inner + i)];
        if (x > best_v || (best_v != best_v && x == x)) best = static_cast<std::int32_t>(c), best_v = x;  // NaN never wins
      }
      out[static_cast<std::size_t>(o * inner + i)] = best;
    }
  return out;
}

nlohmann::json to_json(const SegmentationMetrics& m) {
  nlohmann::json iou = nlohmann::json::array();
  for (const auto& v : m.class_iou) iou.push_back(v ? nlohmann::json(*v) : nlohmann::json(nullptr));
  return {{"miou", m.miou},
          {"pixel_accuracy", m.pixel_accuracy},
          {"mean_class_accuracy", m.mean_class_accuracy},
          {"class_iou", std::move(iou)},
          {"labelled_pixels", m.labelled_pixels}};
}

}  // namespace eb::bench
