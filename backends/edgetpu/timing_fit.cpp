#include "backends/edgetpu/timing_fit.h"

#include <cmath>
#include <stdexcept>

namespace eb::edgetpu {

OverheadFit fit_overheads(const std::vector<FitAnchor>& anchors, const TpuParams& base) {
  if (anchors.size() < 2) throw std::invalid_argument("edgetpu fit: two or more anchors are needed for two overheads");
  TpuParams zero = base;
  zero.invoke_overhead_us = 0;
  zero.layer_overhead_ns = 0;
  OverheadFit fit;
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const auto& a : anchors) {
    const TimingReport r = model_timing(a.work, zero);
    FitPoint p{a.name, r.counted_layers, r.total_ns * 1e-6, a.published_ms, 0, 0};
    const double x = p.layers, y = (a.published_ms - p.fixed_ms) * 1e6;  // ns left for the overheads
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
    fit.points.push_back(p);
  }
  const double n = static_cast<double>(anchors.size());
  const double det = n * sxx - sx * sx;
  if (std::abs(det) < 1e-9) throw std::invalid_argument("edgetpu fit: the anchors must differ in layer count");
  double slope = (n * sxy - sx * sy) / det;  // ns per layer
  double intercept = (sy - slope * sx) / n;  // ns per invocation
  // Neither overhead can be negative: refit the other alone when one would be.
  if (slope < 0) {
    slope = 0;
    intercept = std::max(sy / n, 0.0);
  } else if (intercept < 0) {
    intercept = 0;
    slope = std::max(sxy / sxx, 0.0);
  }
  fit.invoke_overhead_us = intercept * 1e-3;
  fit.layer_overhead_ns = slope;
  double sq = 0;
  for (auto& p : fit.points) {
    p.modeled_ms = p.fixed_ms + (intercept + slope * p.layers) * 1e-6;
    p.residual_ms = p.modeled_ms - p.published_ms;
    sq += p.residual_ms * p.residual_ms;
  }
  fit.rms_residual_ms = std::sqrt(sq / n);
  return fit;
}

}  // namespace eb::edgetpu
