#include "reports/comparison.h"

#include <algorithm>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

namespace eb::reports {
namespace {

// Pooled figures carry the provenance of the first record, unless another record's is
// not measured: then the modeled one (a pool is only as measured as its least measured part).
MaybeFigure pooled_provenance(const std::vector<const RecordView*>& rs, MaybeFigure RecordView::*field, double value) {
  MaybeFigure out;
  for (const RecordView* r : rs) {
    const MaybeFigure& f = r->*field;
    if (!f) continue;
    if (!out || (f->modeled() && !out->modeled())) out = Figure{value, f->provenance};
  }
  return out;
}

// The mean of a figure over the records that have it, with pooled provenance.
MaybeFigure mean_figure(const std::vector<const RecordView*>& rs, MaybeFigure RecordView::*field) {
  double sum = 0;
  int n = 0;
  for (const RecordView* r : rs)
    if (r->*field) {
      sum += (r->*field)->value;
      ++n;
    }
  if (n == 0) return std::nullopt;
  return pooled_provenance(rs, field, sum / n);
}

// One definition for a pooled row: all inferences over all the time they took,
// sum(n_i) / sum(n_i / throughput_i) with n_i the queries of record i (1 without samples).
// For single-stream records (throughput = batch / mean latency) this is batch / the mean
// of the pooled samples, the row's mean latency.
MaybeFigure pooled_throughput(const std::vector<const RecordView*>& rs) {
  double inferences = 0, seconds = 0;
  for (const RecordView* r : rs)
    if (r->throughput_per_s && r->throughput_per_s->value > 0) {
      const double n = r->latency_ns.empty() ? 1.0 : static_cast<double>(r->latency_ns.size());
      inferences += n;
      seconds += n / r->throughput_per_s->value;
    }
  if (seconds <= 0) return std::nullopt;
  return pooled_provenance(rs, &RecordView::throughput_per_s, inferences / seconds);
}

CompareRow make_row(const std::vector<const RecordView*>& rs) {
  CompareRow row;
  const RecordView& first = *rs.front();
  row.backend = first.backend;
  row.precision = first.precision;
  row.device = first.device;
  row.settings = first.settings;
  row.records = rs;
  row.latency_basis = first.latency_basis;
  std::vector<double> pooled;
  for (const RecordView* r : rs) pooled.insert(pooled.end(), r->latency_ns.begin(), r->latency_ns.end());
  row.samples = pooled.size();
  if (!pooled.empty()) {
    row.p50_ns = pooled_provenance(rs, &RecordView::p50_ns, percentile_of(pooled, 50));
    row.p90_ns = pooled_provenance(rs, &RecordView::p90_ns, percentile_of(pooled, 90));
    row.p99_ns = pooled_provenance(rs, &RecordView::p99_ns, percentile_of(pooled, 99));
    row.mean_ns = pooled_provenance(rs, &RecordView::mean_ns, mean_of(pooled));
  } else {
    row.p50_ns = mean_figure(rs, &RecordView::p50_ns);
    row.p90_ns = mean_figure(rs, &RecordView::p90_ns);
    row.p99_ns = mean_figure(rs, &RecordView::p99_ns);
    row.mean_ns = mean_figure(rs, &RecordView::mean_ns);
  }
  row.throughput_per_s = pooled_throughput(rs);
  row.mean_power_w = mean_figure(rs, &RecordView::mean_power_w);
  row.mj_per_inference = mean_figure(rs, &RecordView::mj_per_inference);
  row.inferences_per_j = mean_figure(rs, &RecordView::inferences_per_j);
  row.accuracy = mean_figure(rs, &RecordView::accuracy);
  for (const RecordView* r : rs)
    if (r->accuracy) {
      row.accuracy_metric = r->accuracy_metric;
      break;
    }
  for (const RecordView* r : rs)
    if (r->verdict_known && !r->valid)
      row.invalid.push_back(fmt::format("{}: {}", r->file.filename().string(),
                                        r->reasons.empty() ? std::string("INVALID") : r->reasons.front()));
  return row;
}

std::vector<double> pooled_latency(const CompareRow& row) {
  std::vector<double> out;
  for (const RecordView* r : row.records) out.insert(out.end(), r->latency_ns.begin(), r->latency_ns.end());
  return out;
}

std::vector<double> pooled_power(const CompareRow& row) {
  std::vector<double> out;
  for (const RecordView* r : row.records) out.insert(out.end(), r->power_samples_w.begin(), r->power_samples_w.end());
  return out;
}

bool matches(const CompareRow& row, const std::string& baseline) {
  const auto colon = baseline.find(':');
  if (colon == std::string::npos) return row.backend == baseline;
  return row.backend == baseline.substr(0, colon) && row.precision == baseline.substr(colon + 1);
}

void add_ratios(CompareRow& row, const CompareRow& base, const CompareOptions& o) {
  const auto lat = pooled_latency(row), base_lat = pooled_latency(base);
  if (!lat.empty() && !base_lat.empty()) {
    const Statistic speedup = [](const std::vector<std::vector<double>>& g) { return median_of(g[0]) / median_of(g[1]); };
    row.speedup = Ratio{bootstrap_interval({base_lat, lat}, speedup, o.resamples, o.seed),
                        row.p50_ns->modeled() || base.p50_ns->modeled()};
    if (auto u = mann_whitney_u(lat, base_lat)) {
      row.u_test = u;
      row.u_test_modeled = row.p50_ns->modeled() || base.p50_ns->modeled();
    }
  } else if (row.p50_ns && base.p50_ns && row.p50_ns->value > 0) {  // no samples: an estimate without an interval
    const double q = base.p50_ns->value / row.p50_ns->value;
    row.speedup = Ratio{RatioInterval{q, q, q, 0, o.seed}, row.p50_ns->modeled() || base.p50_ns->modeled()};
  }

  if (row.inferences_per_j && base.inferences_per_j && base.inferences_per_j->value > 0) {
    const double estimate = row.inferences_per_j->value / base.inferences_per_j->value;
    RatioInterval iv{estimate, estimate, estimate, 0, o.seed};
    // The interval: the stored figures scaled by how much the product mean power x mean
    // latency varies under resampling (power fixed where the record keeps no samples).
    if (!lat.empty() && !base_lat.empty()) {
      const double p = row.mean_power_w ? row.mean_power_w->value : 1, bp = base.mean_power_w ? base.mean_power_w->value : 1;
      const Statistic eff = [p, bp](const std::vector<std::vector<double>>& g) {
        const double pw = g[2].empty() ? p : mean_of(g[2]);
        const double bpw = g[3].empty() ? bp : mean_of(g[3]);
        return (bpw * mean_of(g[1])) / (pw * mean_of(g[0]));
      };
      const RatioInterval rel = bootstrap_interval({lat, base_lat, pooled_power(row), pooled_power(base)}, eff, o.resamples,
                                                   o.seed ^ 0xe11e);
      if (rel.estimate > 0) {
        iv.low = estimate * rel.low / rel.estimate;
        iv.high = estimate * rel.high / rel.estimate;
        iv.resamples = rel.resamples;
      }
    }
    row.energy_efficiency = Ratio{iv, row.inferences_per_j->modeled() || base.inferences_per_j->modeled()};
  }
}

void add_footnotes(Comparison& c, const CompareRow& row) {
  const auto note = [&](const MaybeFigure& f, const char* what) {
    if (!f || !f->modeled()) return;
    for (const auto& n : c.modeled)
      if (n.row == row.label() && n.what == what && n.source == f->provenance.source) return;
    c.modeled.push_back({row.label(), what, f->provenance.source});
  };
  note(row.p50_ns, "latency");
  note(row.mean_power_w, "power");
  note(row.mj_per_inference, "energy");
  note(row.accuracy, "accuracy");
}

}  // namespace

Comparison compare(const std::vector<RecordView>& records, const CompareOptions& o) {
  Comparison c;
  c.resamples = o.resamples;
  c.seed = o.seed;
  // Workloads, then backends, in order of first appearance.
  std::vector<std::string> workloads;
  for (const auto& r : records)
    if (std::find(workloads.begin(), workloads.end(), r.workload_key()) == workloads.end()) workloads.push_back(r.workload_key());
  bool baseline_found = o.baseline.empty();
  for (const auto& w : workloads) {
    CompareGroup g;
    g.workload = w;
    std::vector<std::string> labels;
    for (const auto& r : records)
      if (r.workload_key() == w && std::find(labels.begin(), labels.end(), r.backend_label()) == labels.end())
        labels.push_back(r.backend_label());
    for (const auto& label : labels) {
      std::vector<const RecordView*> rs;
      for (const auto& r : records)
        if (r.workload_key() == w && r.backend_label() == label) rs.push_back(&r);
      g.rows.push_back(make_row(rs));
    }
    CompareRow* base = nullptr;
    if (!o.baseline.empty()) {
      for (auto& row : g.rows)
        if (matches(row, o.baseline)) {
          base = &row;
          break;
        }
    } else {
      // The CPU in fp32 when it ran several precisions (--baseline cpu:int8 picks another).
      for (auto& row : g.rows)
        if (row.backend == "cpu" && (!base || (base->precision != "fp32" && row.precision == "fp32"))) base = &row;
      if (!base) base = &g.rows.front();
    }
    if (base) {
      baseline_found = true;
      base->is_baseline = true;
      g.baseline = base->label();
      for (auto& row : g.rows)
        if (!row.is_baseline) add_ratios(row, *base, o);
    } else {
      c.notes.push_back(fmt::format("{}: baseline '{}' has no record for this workload; no ratios", w, o.baseline));
    }
    for (const auto& row : g.rows) add_footnotes(c, row);
    c.groups.push_back(std::move(g));
  }
  if (!baseline_found) {
    std::set<std::string> names;
    for (const auto& r : records) names.insert(r.backend);
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    throw std::invalid_argument(fmt::format("--baseline '{}' is not among the records' backends ({})", o.baseline, list));
  }
  // An energy ratio shows "–" when either side has no energy; for the cpu there is a way
  // to get a (modeled) figure, which the reader of the table should not have to look up.
  for (const auto& g : c.groups)
    for (const auto& row : g.rows)
      if (row.backend == "cpu" && !row.inferences_per_j) {
        c.notes.push_back(fmt::format("{}: {} has no energy figure, so its energy ratios show \"–\"; {}",
                                      g.workload, row.label(), kCpuEnergyHint));
        break;
      }
  c.notes.push_back(fmt::format(
      "ratios: speed-up = baseline p50 / p50; energy efficiency = inferences/J / baseline inferences/J; [low, high] = "
      "bootstrap 95% interval ({} resamples, seed {:#x}) of the stored samples; U: two-sided Mann-Whitney test on latency "
      "samples (>= {} per side), queries of one run are not fully independent",
      o.resamples, o.seed, kMinRunsForU));
  return c;
}

}  // namespace eb::reports
