#include "bench/accuracy/depth_metrics.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace eb::bench {

void DepthAccumulator::add(std::span<const float> predicted, std::span<const float> ground_truth) {
  if (predicted.size() != ground_truth.size())
    throw std::invalid_argument("depth: " + std::to_string(predicted.size()) + " predicted pixels but " +
                                std::to_string(ground_truth.size()) + " ground-truth pixels");
  static constexpr double kThreshold[3] = {1.25, 1.25 * 1.25, 1.25 * 1.25 * 1.25};
  for (std::size_t i = 0; i < predicted.size(); ++i) {
    const double g = ground_truth[i];
    if (!(std::isfinite(g) && g > 0)) continue;
    const double p = predicted[i];
    ++valid_;
    squared_error_ += (p - g) * (p - g);
    relative_error_ += std::abs(p - g) / g;
    if (p > 0) {
      const double ratio = std::max(p / g, g / p);
      for (int n = 0; n < 3; ++n)
        if (ratio < kThreshold[n]) ++within_[n];
    }
  }
}

DepthMetrics DepthAccumulator::metrics() const {
  DepthMetrics m;
  m.valid_pixels = valid_;
  if (valid_ == 0) return m;
  const auto n = static_cast<double>(valid_);
  m.rmse = std::sqrt(squared_error_ / n);
  m.abs_rel = relative_error_ / n;
  m.delta1 = static_cast<double>(within_[0]) / n;
  m.delta2 = static_cast<double>(within_[1]) / n;
  m.delta3 = static_cast<double>(within_[2]) / n;
  return m;
}

nlohmann::json to_json(const DepthMetrics& m) {
  return {{"rmse", m.rmse},     {"abs_rel", m.abs_rel}, {"delta1", m.delta1},
          {"delta2", m.delta2}, {"delta3", m.delta3},   {"valid_pixels", m.valid_pixels}};
}

}  // namespace eb::bench
