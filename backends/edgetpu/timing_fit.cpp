#include "backends/edgetpu/timing_fit.h"

#include <cmath>
#include <stdexcept>

namespace eb::edgetpu {
namespace {

// Device time of an anchor with a zero invocation overhead (ns).
double without_invoke(const GraphWork& w, TpuParams p) {
  p.invoke_overhead_us = 0;
  return model_timing(w, p).total_ns;
}

void finish(TimingFit& fit, const std::vector<FitAnchor>& anchors, const TpuParams& base) {
  const TpuParams p = fit.apply(base);
  double sq = 0;
  for (const auto& a : anchors) {
    FitPoint pt{a.name, a.published_ms, model_timing(a.work, p).total_ns * 1e-6, 0};
    pt.residual_ms = pt.modeled_ms - pt.published_ms;
    sq += pt.residual_ms * pt.residual_ms;
    fit.points.push_back(pt);
  }
  fit.rms_residual_ms = std::sqrt(sq / static_cast<double>(anchors.size()));
}

// For a fixed rest of the model, the least-squares invocation overhead (ns, ≥ 0) and the SSE.
std::pair<double, double> best_invoke(const std::vector<FitAnchor>& anchors, const TpuParams& p) {
  std::vector<double> left;
  double mean = 0;
  for (const auto& a : anchors) {
    left.push_back(a.published_ms * 1e6 - without_invoke(a.work, p));
    mean += left.back();
  }
  mean /= static_cast<double>(anchors.size());
  const double invoke = std::max(mean, 0.0);
  double sse = 0;
  for (double y : left) sse += (y - invoke) * (y - invoke);
  return {invoke, sse};
}

TimingFit fit_compute_scale(const std::vector<FitAnchor>& anchors, const TpuParams& base) {
  TpuParams p = base;
  p.layer_overhead_ns = 0;
  // The SSE is piecewise smooth in the scale (max with streaming): a fine grid, then a
  // finer one around the best point, instead of a method that assumes smoothness.
  double best_scale = 1, best_sse = INFINITY, best_inv = 0;
  const auto scan = [&](double lo, double hi, double step) {
    const auto steps = static_cast<long>(std::llround((hi - lo) / step));
    for (long i = 0; i <= steps; ++i) {
      const double s = std::round((lo + static_cast<double>(i) * step) * 1e4) / 1e4;  // on the 1e-4 grid exactly
      p.compute_scale = s;
      const auto [inv, sse] = best_invoke(anchors, p);
      if (sse < best_sse) {
        best_sse = sse;
        best_scale = s;
        best_inv = inv;
      }
    }
  };
  scan(1.0, 50.0, 0.01);
  scan(std::max(1.0, best_scale - 0.01), best_scale + 0.01, 0.0001);
  TimingFit fit;
  fit.structure = FitStructure::compute_scale;
  fit.compute_scale = best_scale;
  fit.invoke_overhead_us = best_inv * 1e-3;
  p.compute_scale = best_scale;
  // On a bound when the unclamped overhead would be negative or the scale is at 1.
  double mean = 0;
  for (const auto& a : anchors) mean += a.published_ms * 1e6 - without_invoke(a.work, p);
  fit.at_bound = mean < 0 || best_scale <= 1.0;
  finish(fit, anchors, base);
  return fit;
}

TimingFit fit_layer_overhead(const std::vector<FitAnchor>& anchors, const TpuParams& base) {
  TpuParams zero = base;
  zero.compute_scale = 1;
  zero.layer_overhead_ns = 0;
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const auto& a : anchors) {
    const TimingReport r = model_timing(a.work, zero);
    const double x = r.counted_layers, y = a.published_ms * 1e6 - (r.total_ns - r.invoke_ns);
    sx += x, sy += y, sxx += x * x, sxy += x * y;
  }
  const double n = static_cast<double>(anchors.size()), det = n * sxx - sx * sx;
  if (std::abs(det) < 1e-9) throw std::invalid_argument("edgetpu fit: the anchors must differ in layer count");
  double slope = (n * sxy - sx * sy) / det, intercept = (sy - slope * sx) / n;
  TimingFit fit;
  fit.structure = FitStructure::layer_overhead;
  if (slope < 0) {
    slope = 0, intercept = std::max(sy / n, 0.0), fit.at_bound = true;
  } else if (intercept < 0) {
    intercept = 0, slope = std::max(sxy / sxx, 0.0), fit.at_bound = true;
  }
  fit.invoke_overhead_us = intercept * 1e-3;
  fit.layer_overhead_ns = slope;
  finish(fit, anchors, base);
  return fit;
}

}  // namespace

std::string_view fit_structure_name(FitStructure s) {
  return s == FitStructure::compute_scale ? "invoke overhead + compute scale" : "invoke overhead + per-layer overhead";
}

TpuParams TimingFit::apply(TpuParams base) const {
  base.invoke_overhead_us = invoke_overhead_us;
  base.compute_scale = structure == FitStructure::compute_scale ? compute_scale : 1.0;
  base.layer_overhead_ns = structure == FitStructure::layer_overhead ? layer_overhead_ns : 0.0;
  return base;
}

TimingFit fit_timing(const std::vector<FitAnchor>& anchors, const TpuParams& base, FitStructure structure) {
  if (anchors.size() < 2) throw std::invalid_argument("edgetpu fit: two or more anchors are needed for two parameters");
  return structure == FitStructure::compute_scale ? fit_compute_scale(anchors, base) : fit_layer_overhead(anchors, base);
}

}  // namespace eb::edgetpu
