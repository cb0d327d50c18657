// Power figures in result records. Layout:
//
//   provenance  {"kind": "measured"|"modeled", "source": "...", "parameters": {...}}
//   figure      {"value": 1.25, "unit": "J", "provenance": {...}}
//   source      {"name", "kind": "counter"|"power", "unit": "J"|"W", "in_total",
//                "scope": "component"|"system", "mirrors" (when set),
//                "update_period_ms" (null when unknown), "counter_range_j" (counters), "provenance"}
//   selection   {"spec", "channels": [source...], "unavailable": [{"source", "reason"}], "notes": [...]}
//   trace       {"phase", "clock", "period_ms", "start_ns", "stop_ns",
//                "sources": [{"source": {...}, "stats": {...}, "errors": [...],
//                             "samples": {"t_ns": [...], "value": [...]}}]}
//               sample times are offsets from start_ns (the steady clock's epoch is arbitrary)
//   energy      {"window": {"t0_ns", "t1_ns", "seconds"}, "inferences",
//                "sources": [{"name", "kind", "in_total", "method", "samples_in_window",
//                             "update_period_ms", "update_period_estimated", "gross_j",
//                             "idle_w", "idle_j", "net_j", "provenance", "warnings", "error"}],
//                "totals": {"gross_j": figure, "mean_w": figure, ... (absent ones omitted)} | null,
//                "idle": {"seconds", "sources": [...], "warnings"} | null,
//                "warnings": [...], "unavailable": [{"source", "reason"}]}
// Figures a source could not produce are null, never 0.
#pragma once

#include <span>

#include <nlohmann/json.hpp>

#include "bench/power/energy_record.h"
#include "bench/power/power_source.h"
#include "bench/power/sampler.h"
#include "bench/power/selection.h"

namespace eb::bench {

nlohmann::json to_json(const PowerProvenance& p);
nlohmann::json to_json(const PowerSourceInfo& info);
nlohmann::json to_json(const EnergyFigure& f);
nlohmann::json to_json(std::span<const PowerUnavailable> unavailable);
nlohmann::json to_json(const PowerSelection& selection);
nlohmann::json to_json(const IdleBaseline& idle);
nlohmann::json to_json(const EnergyRecord& record);
// include_samples = false keeps only each source's description, stats and errors.
nlohmann::json to_json(const PowerTrace& trace, bool include_samples = true);

}  // namespace eb::bench
