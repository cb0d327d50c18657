// Fitting the timing model's unsourced parameters (timing_model.h) to published latencies.
// Everything else in the model has a source; these have none, so they are fitted, and only
// on the models named as fit anchors (mobilenet-v1 and mobilenet-v2: `edgebench
// fit-edgetpu`). A model fitted on is never reported as validation: the detectors are held
// out. The published latency of a classifier is the device's time alone (no host
// post-processing, no fallback), so a fit needs no host measurement and gives the same
// values on any machine.
//
// Two structures, each with two parameters (two anchors cannot support more):
//   compute_scale    (used) the per-invocation overhead and a factor on the array's modeled
//                    compute time (the real array's efficiency against the tile model):
//                    layer = max(scale · compute, streaming). Fitted by a fine search over
//                    the scale with the overhead by least squares, both bounded (overhead
//                    ≥ 0, scale ≥ 1).
//   layer_overhead   (the alternative, printed for comparison) the per-invocation overhead
//                    and a fixed cost per layer: layer = max(compute, streaming) + overhead.
//                    Linear least squares, both ≥ 0.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "backends/edgetpu/timing_model.h"

namespace eb::edgetpu {

enum class FitStructure : std::uint8_t { compute_scale, layer_overhead };
std::string_view fit_structure_name(FitStructure s);  // "invoke overhead + compute scale", ...

struct FitAnchor {
  std::string name;  // "mobilenet-v1"
  GraphWork work;    // the whole graph on the Edge TPU
  double published_ms = 0;
};

struct FitPoint {
  std::string name;
  double published_ms = 0;
  double modeled_ms = 0;   // with the fitted parameters
  double residual_ms = 0;  // modeled − published
};

struct TimingFit {
  FitStructure structure = FitStructure::compute_scale;
  double invoke_overhead_us = 0;
  double compute_scale = 1;
  double layer_overhead_ns = 0;
  bool at_bound = false;  // a parameter sits on its bound (the unbounded optimum was outside)
  std::vector<FitPoint> points;
  double rms_residual_ms = 0;

  // `base` with the fitted parameters (and the other structure's parameter neutral).
  TpuParams apply(TpuParams base) const;
};

// Throws std::invalid_argument with fewer than two anchors.
TimingFit fit_timing(const std::vector<FitAnchor>& anchors, const TpuParams& base, FitStructure structure);

}  // namespace eb::edgetpu
