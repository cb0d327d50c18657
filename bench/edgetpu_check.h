// The Edge TPU timing model held against published latencies (docs/edgetpu-model.md):
// the two overheads fitted on the anchor models only (backends/edgetpu/timing_fit.h), then
// every published model predicted with them — device time modeled, plus the host's share
// (the workload's post-processing) timed for real on this host — and its error against the
// published figure. `edgebench fit-edgetpu` prints it.
#pragma once

#include <string>
#include <vector>

#include "backends/edgetpu/timing_fit.h"
#include "models/workload.h"

namespace eb::bench {

struct PublishedLatency {
  std::string workload;  // an edgebench workload
  double ms = 0;
  std::string device;    // as the source names it
};

struct ModelCheckRow {
  std::string workload;
  bool anchor = false;       // fitted on (not validation)
  double published_ms = 0;
  edgetpu::TimingReport device;  // modeled with the fitted overheads
  double host_ms = 0;        // measured: median of the host post-processing runs (0: none)
  double total_ms = 0;       // device + host
  double error_pct = 0;      // (total − published) / published · 100
};

struct EdgeTpuCheck {
  edgetpu::TpuParams params;  // the sourced constants with the fitted parameters
  edgetpu::TimingFit fit;
  std::vector<ModelCheckRow> rows;  // anchors first, then held-out, in the order given
};

// Fits on the figures whose workload is in `anchors` and predicts all of `published`.
// `host_runs` ≥ 1 timed post-processing runs per model, on the outputs of one reference
// run with seeded weights. Throws std::invalid_argument for an unknown workload or fewer
// than two anchors.
// `structure` picks the fitted parameters (timing_fit.h). The host share does not depend on
// the structure: pass the same `host_ms` back (from an earlier check's rows) to skip
// measuring it again.
EdgeTpuCheck check_edgetpu_model(const WorkloadRegistry& workloads, const std::vector<PublishedLatency>& published,
                                 const std::vector<std::string>& anchors, int host_runs,
                                 edgetpu::FitStructure structure = edgetpu::FitStructure::compute_scale,
                                 const std::vector<ModelCheckRow>* host_from = nullptr);

// The models Coral's benchmark gives that the fit uses: the two classifiers.
std::vector<std::string> edgetpu_fit_anchors();

}  // namespace eb::bench
