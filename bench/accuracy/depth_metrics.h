// Monocular-depth metrics (Eigen et al. 2014, as NYUD-v2 and KITTI evaluations report them),
// accumulated pixel by pixel over a whole data set. With p the prediction and g the
// ground truth in metres, over the valid pixels (g finite and > 0; holes are 0):
//
//   RMSE      = sqrt(mean((p − g)²))
//   AbsRel    = mean(|p − g| / g)
//   δ < 1.25ⁿ = fraction of pixels with max(p/g, g/p) < 1.25ⁿ (n = 1, 2, 3); a prediction
//               that is not positive never qualifies
//
// Predictions are taken as given (no clamping, no median scaling), so a backend's error
// shows in full; a NaN prediction makes RMSE and AbsRel NaN rather than disappearing.
#pragma once

#include <cstdint>
#include <span>

#include <nlohmann/json.hpp>

namespace eb::bench {

struct DepthMetrics {
  double rmse = 0;
  double abs_rel = 0;
  double delta1 = 0;  // δ < 1.25
  double delta2 = 0;  // δ < 1.25²
  double delta3 = 0;  // δ < 1.25³
  std::uint64_t valid_pixels = 0;
};

class DepthAccumulator {
 public:
  // One image's predicted and ground-truth depth, same size. Throws std::invalid_argument on
  // a size mismatch.
  void add(std::span<const float> predicted, std::span<const float> ground_truth);
  // All zeros when no pixel was valid.
  DepthMetrics metrics() const;

 private:
  double squared_error_ = 0;
  double relative_error_ = 0;
  std::uint64_t within_[3] = {0, 0, 0};
  std::uint64_t valid_ = 0;
};

nlohmann::json to_json(const DepthMetrics& m);

}  // namespace eb::bench
