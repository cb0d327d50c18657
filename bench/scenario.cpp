#include "bench/scenario.h"

#include <charconv>
#include <stdexcept>

#include <fmt/format.h>

#include "bench/power/duration.h"

namespace eb::bench {

std::string_view scenario_name(Scenario s) {
  switch (s) {
    case Scenario::single_stream: return "single-stream";
    case Scenario::offline: return "offline";
  }
  return "?";
}

Scenario parse_scenario(std::string_view name) {
  if (name == "single-stream") return Scenario::single_stream;
  if (name == "offline") return Scenario::offline;
  throw std::invalid_argument(fmt::format("unknown scenario '{}' (known: single-stream, offline)", name));
}

std::string WarmupSpec::describe() const {
  if (kind == Kind::count) return fmt::format("{} quer{}", count, count == 1 ? "y" : "ies");
  return fmt::format("{:g} s", std::chrono::duration<double>(duration).count());
}

WarmupSpec parse_warmup(std::string_view text) {
  std::int64_t n = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec == std::errc() && ptr == text.data() + text.size()) {
    if (n < 0) throw std::invalid_argument(fmt::format("warm-up must not be negative (got {})", text));
    return WarmupSpec::queries(n);
  }
  try {
    return WarmupSpec::lasting(parse_duration(text));
  } catch (const std::invalid_argument&) {
    throw std::invalid_argument(fmt::format("warm-up '{}' is neither a query count (5) nor a duration (2s, 500ms)", text));
  }
}

StopRule::Verdict StopRule::check(std::int64_t queries, std::chrono::nanoseconds elapsed) const {
  if (queries >= min_queries && elapsed >= min_duration) return Verdict::minimums_met;
  if (max_queries > 0 && queries >= max_queries) return Verdict::max_queries;
  if (max_duration > std::chrono::nanoseconds::zero() && elapsed >= max_duration) return Verdict::max_duration;
  return Verdict::go_on;
}

void StopRule::validate() const {
  if (min_queries < 1) throw std::invalid_argument(fmt::format("min-queries must be at least 1 (got {})", min_queries));
  if (max_queries < 0) throw std::invalid_argument(fmt::format("max-queries must not be negative (got {})", max_queries));
  if (min_duration.count() < 0 || max_duration.count() < 0) throw std::invalid_argument("durations must not be negative");
  if (max_queries > 0 && max_queries < min_queries)
    throw std::invalid_argument(fmt::format("max-queries {} is below min-queries {}", max_queries, min_queries));
  if (max_duration.count() > 0 && max_duration < min_duration)
    throw std::invalid_argument("max-duration is below min-duration");
}

std::string_view stop_verdict_name(StopRule::Verdict v) {
  switch (v) {
    case StopRule::Verdict::go_on: return "running";
    case StopRule::Verdict::minimums_met: return "minimums met";
    case StopRule::Verdict::max_queries: return "max queries";
    case StopRule::Verdict::max_duration: return "max duration";
  }
  return "?";
}

}  // namespace eb::bench
