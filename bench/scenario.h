// Scenarios and the stop rule, in MLPerf LoadGen's vocabulary.
//
//   single-stream  one sample per query; the next query is issued when the previous one
//                  returns. Headline: the latency percentiles (p90 first).
//   offline        every sample is available at once; queries (each a batch of --batch
//                  samples, batched by the backend) are issued back to back and the whole
//                  timed phase is one wall-clock interval. Headline: samples per second.
//
// The stop rule (LoadGen's min/max duration and query count): the timed phase runs until
// BOTH min_duration and min_queries are met, and stops early at max_duration or
// max_queries (0: no limit). A phase stopped by a maximum before both minimums were met is
// judged INVALID ("too few queries"), as LoadGen does.
//
// Warm-up runs before the timed phase and is excluded from it: a number of queries or a
// duration (whichever the user gave). The first inference after compiling is always
// recorded on its own and is never a warm-up or timed query.
//
// `--iterations N` is a shorthand for min_queries = max_queries = N with no minimum
// duration (StopRule::fixed): exactly N timed queries, for quick checks and tests.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace eb::bench {

enum class Scenario : std::uint8_t { single_stream, offline };
std::string_view scenario_name(Scenario s);       // "single-stream" | "offline"
Scenario parse_scenario(std::string_view name);  // throws std::invalid_argument naming the text

struct WarmupSpec {
  enum class Kind : std::uint8_t { count, duration };
  Kind kind = Kind::count;
  std::int64_t count = 3;                   // when kind == count
  std::chrono::nanoseconds duration{0};     // when kind == duration

  static WarmupSpec queries(std::int64_t n) { return {Kind::count, n, {}}; }
  static WarmupSpec lasting(std::chrono::nanoseconds d) { return {Kind::duration, 0, d}; }
  // Done after `done` warm-up queries taking `elapsed` in all?
  bool done(std::int64_t queries, std::chrono::nanoseconds elapsed) const {
    return kind == Kind::count ? queries >= count : elapsed >= duration;
  }
  std::string describe() const;  // "3 queries" | "2 s"
};

// "--warmup 5" (a count) or "--warmup 2s" (a duration, bench/power/duration.h units).
// Throws std::invalid_argument naming the text when it is neither, or negative.
WarmupSpec parse_warmup(std::string_view text);

struct StopRule {
  std::chrono::nanoseconds min_duration = std::chrono::seconds(10);
  std::int64_t min_queries = 100;
  std::chrono::nanoseconds max_duration{0};  // 0: no limit
  std::int64_t max_queries = 0;              // 0: no limit

  // Exactly n queries, no minimum duration (--iterations n).
  static StopRule fixed(std::int64_t n) { return {std::chrono::nanoseconds{0}, n, std::chrono::nanoseconds{0}, n}; }

  enum class Verdict : std::uint8_t {
    go_on,        // a minimum is not met and no maximum is reached
    minimums_met, // both minimums met: a complete phase
    max_queries,  // stopped by max_queries before the minimums were met
    max_duration, // stopped by max_duration before the minimums were met
  };
  // After `queries` timed queries over `elapsed`. Minimums are checked first: a phase that
  // meets them exactly as it reaches a maximum is complete.
  Verdict check(std::int64_t queries, std::chrono::nanoseconds elapsed) const;

  // Throws std::invalid_argument when a count is negative, min_queries < 1, or a maximum
  // (when set) is below its minimum.
  void validate() const;
};
std::string_view stop_verdict_name(StopRule::Verdict v);  // "running" | "minimums met" | "max queries" | "max duration"

// A duration in seconds, as records and messages show it.
inline double to_seconds(std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); }

}  // namespace eb::bench
