#include "bench/power/model_source.h"

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>

namespace eb::bench {
namespace {

class ModelSource final : public PowerSource {
 public:
  ModelSource(PowerSourceInfo info, std::function<double(PowerPhase)> watts)
      : PowerSource(std::move(info)), watts_(std::move(watts)) {}
  bool polled() const override { return false; }

  void stream(PowerSink& sink, std::stop_token stop, PowerPhase phase) override {
    const double w = watts_(phase);
    sink.push({power_clock_ns(), w});
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock lock(m);
    cv.wait(lock, stop, [] { return false; });  // returns when stop is requested
    sink.push({power_clock_ns(), w});
  }

 private:
  std::function<double(PowerPhase)> watts_;
};

}  // namespace

PowerDiscovery discover_model(const std::optional<PowerModel>& model) {
  PowerDiscovery out;
  if (!model || !model->watts) {
    out.unavailable.push_back({"model", "the backend provides no power model"});
    return out;
  }
  for (const PowerPhase phase : {PowerPhase::idle, PowerPhase::busy}) {
    const double w = model->watts(phase);
    if (!std::isfinite(w) || w < 0) {
      out.unavailable.push_back({"model", "model " + model->name + " gives " + std::to_string(w) + " W when " +
                                              std::string(power_phase_name(phase))});
      return out;
    }
  }
  PowerSourceInfo info;
  info.name = "model";
  info.kind = PowerKind::power;
  info.provenance = PowerProvenance::modeled(model->name, model->parameters);
  info.in_total = true;
  out.sources.push_back(std::make_unique<ModelSource>(std::move(info), model->watts));
  return out;
}

}  // namespace eb::bench
