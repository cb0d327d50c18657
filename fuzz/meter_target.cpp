#include <cmath>
#include <cstdlib>
#include <string_view>

#include "bench/power/meter_csv.h"
#include "fuzz/targets.h"

namespace eb::fuzz {

// Bad lines are collected, not thrown: the parser must never let a non-finite or
// negative power, or time running backwards, into the accepted samples.
void meter_log(Bytes input) {
  const std::string_view text(reinterpret_cast<const char*>(input.data()), input.size());
  const bench::MeterLog log = bench::parse_meter_csv(text);
  for (std::size_t i = 0; i < log.samples.size(); ++i) {
    const auto& s = log.samples[i];
    if (!std::isfinite(s.value) || s.value < 0) std::abort();
    if (i > 0 && s.t_ns < log.samples[i - 1].t_ns) std::abort();
  }
}

}  // namespace eb::fuzz
