// The HTML report: one self-contained file (inline CSS and SVG, no script, no network)
// with the comparison table, latency CDFs, power over time with the run's phases, energy
// bars, accuracy against latency with the Pareto front, per-node profiles, host and
// settings metadata, and every validity warning. Modeled figures are marked "~" and drawn
// dashed or hatched. Charts that have no data are replaced by a sentence saying why.
#pragma once

#include <string>
#include <vector>

#include "reports/comparison.h"
#include "reports/record.h"

namespace eb::reports {

struct HtmlSection {
  std::string title;
  std::string html;  // trusted markup made by the caller (escaped already)
};

struct HtmlReportOptions {
  std::string title = "edgebench report";
  std::vector<HtmlSection> lead_sections;  // shown first (the paper's table in `reproduce`)
};

std::string html_report(const std::vector<RecordView>& records, const Comparison& comparison, const HtmlReportOptions& options = {});

// Indices of the points on the Pareto front of (latency: lower is better, accuracy: higher
// is better): no other point is at least as good in both and better in one.
std::vector<bool> pareto_front(const std::vector<double>& latency, const std::vector<double>& accuracy);

}  // namespace eb::reports
