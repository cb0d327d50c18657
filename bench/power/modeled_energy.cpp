#include "bench/power/modeled_energy.h"

#include <cmath>
#include <stdexcept>

namespace eb::bench {

EnergyRecord modeled_energy_record(std::span<const double> watts, std::span<const double> device_ns,
                                   std::int64_t inferences, const PowerProvenance& provenance,
                                   std::optional<double> idle_watts) {
  if (watts.empty() || watts.size() != device_ns.size())
    throw std::invalid_argument("modeled energy needs one power and one device time per run");
  SourceTrace s;
  s.info.name = "model";
  // A counter of the modeled energy at each run boundary: its difference is Σ Pᵢ·tᵢ exactly.
  s.info.kind = PowerKind::counter;
  s.info.provenance = provenance;
  s.info.in_total = true;
  s.info.update_period = std::chrono::nanoseconds(1);  // a model answers at any resolution
  double t_ns = 0, joules = 0;
  s.samples.push_back({0, 0.0});
  for (std::size_t i = 0; i < watts.size(); ++i) {
    if (!std::isfinite(watts[i]) || watts[i] < 0 || !std::isfinite(device_ns[i]) || device_ns[i] <= 0)
      throw std::invalid_argument("modeled energy: run " + std::to_string(i) + " has a negative or non-finite power or time");
    t_ns += device_ns[i];
    joules += watts[i] * device_ns[i] * 1e-9;
    s.samples.push_back({std::llround(t_ns), joules});
  }
  PowerTrace trace;
  trace.start_ns = 0;
  trace.stop_ns = s.samples.back().t_ns;
  trace.sources.push_back(std::move(s));

  std::optional<IdleBaseline> idle;
  if (idle_watts) {
    IdleBaseline b;
    b.seconds = 0;  // nothing waited: the model gives its idle power directly
    b.sources.push_back({"model", *idle_watts, 0.0, provenance, ""});
    idle = std::move(b);
  }
  EnergyRecord rec = make_energy_record(trace, EnergyWindow{0, trace.stop_ns}, inferences, idle ? &*idle : nullptr);
  rec.clock = kModeledDeviceClock;
  for (auto& e : rec.sources) e.method = "modeled power × modeled device time, per run";
  return rec;
}

}  // namespace eb::bench
