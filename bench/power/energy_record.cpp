#include "bench/power/energy_record.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "bench/power/integrate.h"

namespace eb::bench {
namespace {

double ms(std::chrono::nanoseconds d) { return std::chrono::duration<double, std::milli>(d).count(); }

std::size_t samples_in(const std::vector<PowerSample>& s, EnergyWindow w) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [&](const PowerSample& x) { return x.t_ns >= w.t0_ns && x.t_ns <= w.t1_ns; }));
}

std::string error_summary(const SourceTrace& s) {
  std::string out = s.errors.empty() ? "read errors" : s.errors.front();
  if (s.stats.failed_reads > 1) out += fmt::format(" (and {} more)", s.stats.failed_reads - 1);
  return out;
}

// Whether a source's read errors make its samples unusable: streamed sources (a meter log
// with a bad line, a command that failed) are strict; a polled sensor with an occasional
// failed read still has valid samples around it (the failures are a warning).
bool errors_are_fatal(const SourceTrace& s) {
  return !s.errors.empty() && (s.stats.reads == 0 || s.stats.failed_reads == s.stats.reads);
}

EnergyFigure figure(double value, const char* unit, PowerProvenance p) { return {value, unit, std::move(p)}; }

}  // namespace

EnergyWindow covered_window(const PowerTrace& trace) {
  EnergyWindow w{std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()};
  bool any = false;
  for (const auto& s : trace.sources) {
    if (s.samples.empty()) continue;
    any = true;
    w.t0_ns = std::max(w.t0_ns, s.samples.front().t_ns);
    w.t1_ns = std::min(w.t1_ns, s.samples.back().t_ns);
  }
  if (!any) return {0, -1};
  return w;
}

const IdleBaseline::Source* IdleBaseline::find(const std::string& name) const {
  const auto it = std::find_if(sources.begin(), sources.end(), [&](const Source& s) { return s.name == name; });
  return it == sources.end() ? nullptr : &*it;
}

IdleBaseline idle_baseline(const PowerTrace& idle_trace) {
  IdleBaseline out;
  out.seconds = static_cast<double>(idle_trace.stop_ns - idle_trace.start_ns) * 1e-9;
  for (const auto& s : idle_trace.sources) {
    IdleBaseline::Source b;
    b.name = s.info.name;
    b.provenance = s.info.provenance;
    if (errors_are_fatal(s)) {
      b.error = error_summary(s);
    } else if (s.samples.size() < 2 || s.samples.back().t_ns <= s.samples.front().t_ns) {
      b.error = "fewer than two samples in the idle baseline";
    } else {
      // Over the idle window itself when the samples cover it (a meter log does, with
      // samples on both sides); else over the span the samples cover.
      const bool covered = s.samples.front().t_ns <= idle_trace.start_ns && s.samples.back().t_ns >= idle_trace.stop_ns &&
                           idle_trace.stop_ns > idle_trace.start_ns;
      const EnergyWindow w = covered ? EnergyWindow{idle_trace.start_ns, idle_trace.stop_ns}
                                     : EnergyWindow{s.samples.front().t_ns, s.samples.back().t_ns};
      try {
        b.mean_w = window_energy(s.info, s.samples, w.t0_ns, w.t1_ns) / w.seconds();
        b.seconds = w.seconds();
      } catch (const std::domain_error& e) {
        b.error = e.what();
      }
    }
    if (!b.error.empty()) out.warnings.push_back(fmt::format("idle baseline of {}: {}", b.name, b.error));
    out.sources.push_back(std::move(b));
  }
  return out;
}

EnergyRecord make_energy_record(const PowerTrace& trace, EnergyWindow window, std::int64_t inferences,
                                const IdleBaseline* idle) {
  EnergyRecord rec;
  rec.window = window;
  rec.inferences = inferences;
  if (idle) rec.idle = *idle;
  const double seconds = window.seconds();

  for (const auto& s : trace.sources) {
    const auto estimated = s.info.update_period ? std::nullopt : estimate_update_period(s.samples);
    SourceEnergy e{.name = s.info.name,
                   .kind = s.info.kind,
                   .in_total = s.info.in_total,
                   .provenance = s.info.provenance,
                   .method = s.info.kind == PowerKind::counter ? "counter difference" : "trapezoids",
                   .samples_in_window = samples_in(s.samples, window),
                   .update_period = s.info.update_period ? s.info.update_period : estimated,
                   .update_period_estimated = estimated.has_value()};
    if (errors_are_fatal(s)) {
      e.error = error_summary(s);
    } else {
      if (s.stats.failed_reads > 0)
        e.warnings.push_back(fmt::format("{} of {} reads failed: {}", s.stats.failed_reads, s.stats.reads,
                                         error_summary(s)));
      else if (!s.errors.empty())
        e.warnings.push_back(s.errors.front());
      try {
        e.gross_j = window_energy(s.info, s.samples, window.t0_ns, window.t1_ns);
      } catch (const std::domain_error& ex) {
        e.error = ex.what();
      }
    }
    if (e.update_period && seconds < kMinUpdatesPerWindow * std::chrono::duration<double>(*e.update_period).count())
      e.warnings.push_back(fmt::format("the window ({:.3f} s) is shorter than {} update periods of {} ({:.3f} ms{})",
                                       seconds, kMinUpdatesPerWindow, e.name, ms(*e.update_period),
                                       e.update_period_estimated ? ", estimated from the samples" : ""));
    if (e.gross_j && idle) {
      if (const auto* b = idle->find(e.name); b && b->mean_w) {
        e.idle_w = *b->mean_w;
        e.idle_j = *b->mean_w * seconds;
        e.net_j = *e.gross_j - *e.idle_j;
        if (*e.net_j < 0)
          e.warnings.push_back(fmt::format("net energy of {} is negative ({:.6f} J): its idle baseline is above the "
                                           "phase's mean power (noise, or the idle state changed)",
                                           e.name, *e.net_j));
      }
    }
    if (!e.error.empty()) rec.warnings.push_back(fmt::format("{}: {}", e.name, e.error));
    for (const auto& w : e.warnings) rec.warnings.push_back(fmt::format("{}: {}", e.name, w));
    rec.sources.push_back(std::move(e));
  }

  // Totals over the counted sources, only when every one of them has the figure.
  std::vector<const SourceEnergy*> counted;
  for (const auto& e : rec.sources)
    if (e.in_total) counted.push_back(&e);
  if (counted.empty()) {
    if (!rec.sources.empty()) rec.warnings.push_back("no source is counted in the total");
    return rec;
  }
  const auto missing_gross =
      std::find_if(counted.begin(), counted.end(), [](const SourceEnergy* e) { return !e->gross_j; });
  if (missing_gross != counted.end()) {
    rec.warnings.push_back(fmt::format("no total: {} could not be integrated", (*missing_gross)->name));
    return rec;
  }
  if (seconds <= 0) {
    rec.warnings.push_back("no total: the window is empty");
    return rec;
  }
  std::vector<PowerProvenance> provenances;
  double gross = 0;
  for (const auto* e : counted) {
    gross += *e->gross_j;
    provenances.push_back(e->provenance);
  }
  const PowerProvenance p = combine(provenances);
  EnergyTotals t{figure(gross, "J", p), figure(gross / seconds, "W", p), {}, {}, {}, {}, {}, {}, {}, {}};
  if (inferences > 0) {
    t.gross_mj_per_inference = figure(gross * 1e3 / static_cast<double>(inferences), "mJ/inference", p);
    if (gross > 0) t.inferences_per_gross_j = figure(static_cast<double>(inferences) / gross, "inferences/J", p);
  }
  if (idle) {
    const auto missing_idle =
        std::find_if(counted.begin(), counted.end(), [](const SourceEnergy* e) { return !e->idle_j; });
    if (missing_idle != counted.end()) {
      rec.warnings.push_back(fmt::format("no net total: no idle baseline for {}", (*missing_idle)->name));
    } else {
      double idle_j = 0;
      for (const auto* e : counted) idle_j += *e->idle_j;
      const double net = gross - idle_j;
      t.idle_j = figure(idle_j, "J", p);
      t.idle_mean_w = figure(idle_j / seconds, "W", p);
      t.net_j = figure(net, "J", p);
      t.net_mean_w = figure(net / seconds, "W", p);
      if (inferences > 0) {
        t.net_mj_per_inference = figure(net * 1e3 / static_cast<double>(inferences), "mJ/inference", p);
        if (net > 0) t.inferences_per_net_j = figure(static_cast<double>(inferences) / net, "inferences/J", p);
      }
      if (net < 0) rec.warnings.push_back("net total energy is negative: the idle baseline is above the phase");
    }
  }
  rec.totals = std::move(t);
  return rec;
}

}  // namespace eb::bench
