// Fitting the two overheads of the timing model (timing_model.h: per invocation and per
// layer) to published latencies, by least squares. Everything else in the model has a
// source; these two have none, so they are fitted, and only on the models named as fit
// anchors (mobilenet-v1 and mobilenet-v2: `edgebench fit-edgetpu`). A model fitted on must
// not be reported as validation: the detectors are held out.
//
// The published latency of a classifier is the device's time alone (it has no host
// post-processing and no fallback), so for anchor i
//     published_i − (compute_i + transfer_i) = invoke + layers_i · per_layer
// with compute and transfer from the model at zero overheads: a straight line in
// (layers_i, residual time_i), fitted by least squares with both overheads ≥ 0.
#pragma once

#include <string>
#include <vector>

#include "backends/edgetpu/timing_model.h"

namespace eb::edgetpu {

struct FitAnchor {
  std::string name;       // "mobilenet-v1"
  GraphWork work;         // the whole graph on the Edge TPU
  double published_ms = 0;
};

struct FitPoint {
  std::string name;
  int layers = 0;
  double fixed_ms = 0;      // compute + streaming + transfer, overheads excluded
  double published_ms = 0;
  double modeled_ms = 0;    // with the fitted overheads
  double residual_ms = 0;   // modeled − published
};

struct OverheadFit {
  double invoke_overhead_us = 0;
  double layer_overhead_ns = 0;
  std::vector<FitPoint> points;
  double rms_residual_ms = 0;
};

// `base` gives every other constant (its overheads are ignored). Throws
// std::invalid_argument with fewer than two anchors or anchors with equal layer counts.
OverheadFit fit_overheads(const std::vector<FitAnchor>& anchors, const TpuParams& base);

}  // namespace eb::edgetpu
