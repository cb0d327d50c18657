// The comparison behind `edgebench compare`: records grouped by workload (model, task,
// batch, scenario), then by backend and precision (repeated records of one backend pool
// their samples), and each backend set against a baseline:
//
//   speed-up            baseline p50 / backend p50 (> 1: faster than the baseline)
//   energy efficiency   backend inferences/J / baseline inferences/J (> 1: more efficient)
//
// each with a seeded bootstrap 95% interval from the stored samples, and a Mann–Whitney U
// test on the latency samples where both sides have at least 9. A ratio that involves a
// modeled figure on either side is itself modeled. Renderers (compare_render.h) only format.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reports/record.h"
#include "reports/statistics.h"

namespace eb::reports {

struct CompareOptions {
  std::string baseline;  // "cpu" or "cpu:int8"; empty: cpu (fp32 when it ran several) if present, else the first backend
  int resamples = kBootstrapResamples;
  std::uint64_t seed = kBootstrapSeed;
};

struct Ratio {
  RatioInterval interval;
  bool modeled = false;
};

struct CompareRow {
  std::string backend, precision, device;
  std::string settings;                    // RecordView::settings, the same for every record of the row
  std::vector<const RecordView*> records;  // in input order
  std::size_t samples = 0;                 // latency samples pooled over the records
  std::string latency_basis;
  MaybeFigure p50_ns, p90_ns, p99_ns, mean_ns, throughput_per_s;
  MaybeFigure mean_power_w, mj_per_inference, inferences_per_j;
  MaybeFigure accuracy;
  std::string accuracy_metric;
  bool is_baseline = false;
  std::optional<Ratio> speedup;
  std::optional<Ratio> energy_efficiency;
  std::optional<MannWhitney> u_test;  // this backend's latencies against the baseline's
  bool u_test_modeled = false;
  std::vector<std::string> invalid;   // "FILE: reason" for each INVALID record

  std::string label() const {
    const std::string label = precision.empty() ? backend : backend + " " + precision;
    return settings.empty() ? label : label + " [" + settings + "]";
  }
};

struct CompareGroup {
  std::string workload;  // RecordView::workload_key
  std::string baseline;  // label of the baseline row, empty when the asked-for baseline is absent
  std::vector<CompareRow> rows;
};

struct Footnote {
  std::string row, what, source;  // "fpga fixed", "latency", "fpga cycle model ..."
};

struct Comparison {
  std::vector<CompareGroup> groups;
  std::vector<Footnote> modeled;   // one per modeled figure kind per row
  std::vector<std::string> notes;  // method notes and warnings
  int resamples = 0;
  std::uint64_t seed = 0;
};

// Throws std::invalid_argument when `options.baseline` names a backend absent from every workload.
Comparison compare(const std::vector<RecordView>& records, const CompareOptions& options = {});

}  // namespace eb::reports
