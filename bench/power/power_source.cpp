#include "bench/power/power_source.h"

#include <algorithm>
#include <stdexcept>

namespace eb::bench {

std::string_view power_kind_name(PowerKind k) {
  switch (k) {
    case PowerKind::counter: return "counter";
    case PowerKind::power: return "power";
  }
  return "?";
}

std::string_view power_kind_unit(PowerKind k) {
  switch (k) {
    case PowerKind::counter: return "J";
    case PowerKind::power: return "W";
  }
  return "?";
}

std::string_view power_phase_name(PowerPhase p) {
  switch (p) {
    case PowerPhase::idle: return "idle";
    case PowerPhase::busy: return "busy";
  }
  return "?";
}

PowerProvenance PowerProvenance::measured(std::string sensor, nlohmann::json parameters) {
  return {Provenance::measured(std::move(sensor)), std::move(parameters)};
}

PowerProvenance PowerProvenance::modeled(std::string model, nlohmann::json parameters) {
  return {Provenance::modeled(std::move(model)), std::move(parameters)};
}

PowerProvenance combine(const std::vector<PowerProvenance>& inputs) {
  if (inputs.empty()) throw std::invalid_argument("combine: no provenance to combine");
  std::vector<const PowerProvenance*> unique;
  for (const auto& p : inputs) {
    const bool seen = std::any_of(unique.begin(), unique.end(),
                                  [&](const PowerProvenance* u) { return u->base.source == p.base.source; });
    if (!seen) unique.push_back(&p);
  }
  const bool all_measured = std::all_of(inputs.begin(), inputs.end(), [](const auto& p) { return p.is_measured(); });
  if (unique.size() == 1) return *unique.front();
  PowerProvenance out;
  // A mix of measured and modeled (or published) inputs is a modeled figure: the model is
  // what the number depends on, and it must never be shown as a measurement.
  out.base.kind = all_measured ? Provenance::Kind::measured : Provenance::Kind::modeled;
  for (const PowerProvenance* p : unique) {
    if (!out.base.source.empty()) out.base.source += " + ";
    out.base.source += p->base.source;
    nlohmann::json entry = p->parameters.is_object() ? p->parameters : nlohmann::json{{"value", p->parameters}};
    entry["kind"] = provenance_kind_name(p->base.kind);  // says which input is the model
    out.parameters[p->base.source] = std::move(entry);
  }
  return out;
}

}  // namespace eb::bench
