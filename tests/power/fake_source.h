// A polled source with a scripted value, for sampler and record tests.
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "bench/power/power_source.h"

namespace eb::bench::testing {

class FakeSource final : public PowerSource {
 public:
  FakeSource(std::string name, PowerKind kind, double value, bool measured = true)
      : PowerSource(describe(std::move(name), kind, value, measured)), value_(value) {}
  PowerReading read() override {
    reads.fetch_add(1, std::memory_order_relaxed);
    if (fail_every > 0 && ++n_ % fail_every == 0) return PowerReading::failed("scripted failure");
    if (info().kind == PowerKind::counter) value_ += step;
    return {value_, {}};
  }

  std::atomic<int> reads{0};
  double step = 0.001;  // counters: joules added per read
  int fail_every = 0;   // every n-th read fails (0: never)

 private:
  static PowerSourceInfo describe(std::string name, PowerKind kind, double value, bool measured) {
    PowerSourceInfo info;
    info.name = std::move(name);
    info.kind = kind;
    info.provenance = measured ? PowerProvenance::measured(info.name, {{"fake", true}})
                               : PowerProvenance::modeled("fake-model", {{"watts", value}});
    return info;
  }
  double value_ = 0;
  int n_ = 0;
};

}  // namespace eb::bench::testing
