#include "bench/power/power_json.h"

#include "bench/provenance_json.h"

namespace eb::bench {
namespace {

template <class T>
nlohmann::json or_null(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json period_ms(const std::optional<std::chrono::nanoseconds>& p) {
  return p ? nlohmann::json(std::chrono::duration<double, std::milli>(*p).count()) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json to_json(const PowerProvenance& p) {
  nlohmann::json j = to_json(p.base);  // {kind, source}, as every other figure of the record
  j["parameters"] = p.parameters;
  return j;
}

nlohmann::json to_json(const PowerSourceInfo& info) {
  nlohmann::json j{{"name", info.name},
                   {"kind", power_kind_name(info.kind)},
                   {"unit", power_kind_unit(info.kind)},
                   {"in_total", info.in_total},
                   {"scope", info.scope == PowerSourceInfo::Scope::system ? "system" : "component"},
                   {"update_period_ms", period_ms(info.update_period)},
                   {"provenance", to_json(info.provenance)}};
  if (info.kind == PowerKind::counter) j["counter_range_j"] = info.counter_range_j;
  if (!info.mirrors.empty()) j["mirrors"] = info.mirrors;
  return j;
}

nlohmann::json to_json(const PowerSelection& selection) {
  nlohmann::json channels = nlohmann::json::array();
  for (const auto& s : selection.sources) channels.push_back(to_json(s->info()));
  return {{"spec", selection.spec},
          {"channels", channels},
          {"unavailable", to_json(std::span<const PowerUnavailable>(selection.unavailable))},
          {"notes", selection.notes}};
}

nlohmann::json to_json(const EnergyFigure& f) {
  return {{"value", f.value}, {"unit", f.unit}, {"provenance", to_json(f.provenance)}};
}

nlohmann::json to_json(std::span<const PowerUnavailable> unavailable) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& u : unavailable) j.push_back({{"source", u.source}, {"reason", u.reason}});
  return j;
}

nlohmann::json to_json(const IdleBaseline& idle) {
  nlohmann::json sources = nlohmann::json::array();
  for (const auto& s : idle.sources)
    sources.push_back({{"name", s.name},
                       {"mean_w", or_null(s.mean_w)},
                       {"seconds", s.seconds},
                       {"provenance", to_json(s.provenance)},
                       {"error", s.error}});
  return {{"seconds", idle.seconds}, {"sources", sources}, {"warnings", idle.warnings}};
}

nlohmann::json to_json(const EnergyRecord& r) {
  nlohmann::json sources = nlohmann::json::array();
  for (const auto& e : r.sources)
    sources.push_back({{"name", e.name},
                       {"kind", power_kind_name(e.kind)},
                       {"in_total", e.in_total},
                       {"method", e.method},
                       {"samples_in_window", e.samples_in_window},
                       {"update_period_ms", period_ms(e.update_period)},
                       {"update_period_estimated", e.update_period_estimated},
                       {"gross_j", or_null(e.gross_j)},
                       {"idle_w", or_null(e.idle_w)},
                       {"idle_j", or_null(e.idle_j)},
                       {"net_j", or_null(e.net_j)},
                       {"provenance", to_json(e.provenance)},
                       {"warnings", e.warnings},
                       {"error", e.error}});
  nlohmann::json totals = nullptr;
  if (r.totals) {
    const EnergyTotals& t = *r.totals;
    totals = {{"gross_j", to_json(t.gross_j)}, {"mean_w", to_json(t.mean_w)}};
    const auto put = [&](const char* key, const std::optional<EnergyFigure>& f) {
      if (f) totals[key] = to_json(*f);
    };
    put("gross_mj_per_inference", t.gross_mj_per_inference);
    put("inferences_per_gross_j", t.inferences_per_gross_j);
    put("idle_j", t.idle_j);
    put("idle_mean_w", t.idle_mean_w);
    put("net_j", t.net_j);
    put("net_mean_w", t.net_mean_w);
    put("net_mj_per_inference", t.net_mj_per_inference);
    put("inferences_per_net_j", t.inferences_per_net_j);
  }
  return {{"window", {{"t0_ns", r.window.t0_ns}, {"t1_ns", r.window.t1_ns}, {"seconds", r.window.seconds()}}},
          {"clock", r.clock},
          {"inferences", r.inferences},
          {"sources", sources},
          {"totals", totals},
          {"idle", r.idle ? to_json(*r.idle) : nlohmann::json(nullptr)},
          {"warnings", r.warnings},
          {"unavailable", to_json(std::span<const PowerUnavailable>(r.unavailable))}};
}

nlohmann::json to_json(const PowerTrace& trace, bool include_samples) {
  nlohmann::json sources = nlohmann::json::array();
  for (const auto& s : trace.sources) {
    nlohmann::json j{{"source", to_json(s.info)},
                     {"stats",
                      {{"reads", s.stats.reads},
                       {"failed_reads", s.stats.failed_reads},
                       {"missed_ticks", s.stats.missed_ticks},
                       {"thread_cpu_ns", s.stats.thread_cpu_ns},
                       {"thread_wall_ns", s.stats.thread_wall_ns},
                       {"cpu_fraction", s.stats.cpu_fraction()}}},
                     {"errors", s.errors},
                     {"sample_count", s.samples.size()}};
    if (include_samples) {
      nlohmann::json t = nlohmann::json::array();
      nlohmann::json v = nlohmann::json::array();
      for (const auto& x : s.samples) {
        t.push_back(x.t_ns - trace.start_ns);
        v.push_back(x.value);
      }
      j["samples"] = {{"t_ns", std::move(t)}, {"value", std::move(v)}};
    }
    sources.push_back(std::move(j));
  }
  return {{"phase", power_phase_name(trace.phase)},
          {"clock", kHostClock},
          {"period_ms", std::chrono::duration<double, std::milli>(trace.period).count()},
          {"start_ns", trace.start_ns},
          {"stop_ns", trace.stop_ns},
          {"sources", sources}};
}

}  // namespace eb::bench
