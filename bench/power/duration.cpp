#include "bench/power/duration.h"

#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string>

namespace eb::bench {

std::chrono::nanoseconds parse_duration(std::string_view text) {
  const auto bad = [&] {
    std::string message(text);
    message += " is not a duration (e.g. 500ms, 2.5s, 1m)";
    return std::invalid_argument(message);
  };
  if (text == "0") return std::chrono::nanoseconds::zero();
  double value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr == text.data() || !std::isfinite(value) || value < 0) throw bad();
  const std::string_view unit(ptr, static_cast<std::size_t>(text.data() + text.size() - ptr));
  double ns_per_unit = 0;
  if (unit == "ns") ns_per_unit = 1;
  else if (unit == "us") ns_per_unit = 1e3;
  else if (unit == "ms") ns_per_unit = 1e6;
  else if (unit == "s") ns_per_unit = 1e9;
  else if (unit == "m") ns_per_unit = 60e9;
  else throw bad();
  const double ns = value * ns_per_unit;
  if (ns > 1e18) throw bad();  // beyond any sensible run (and int64 ns)
  return std::chrono::nanoseconds(std::llround(ns));
}

}  // namespace eb::bench
