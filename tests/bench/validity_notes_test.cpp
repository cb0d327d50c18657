// The nearest-rank notes: p99 is the maximum exactly when n < 100, p99.9 when n < 1000.
#include <gtest/gtest.h>

#include <algorithm>

#include "bench/validity.h"

namespace eb::bench {
namespace {

std::vector<std::string> notes_for(std::size_t n) {
  Timings t;
  for (std::size_t i = 0; i < n; ++i) t.samples_ns.push_back(1000 + static_cast<std::int64_t>(i % 7));
  MeasureSettings m;
  m.stop.min_queries = 1;
  m.stop.min_duration = std::chrono::nanoseconds{0};
  return judge_validity(t, m, {}, PartitionPlan{}).notes;
}

bool has(const std::vector<std::string>& notes, const std::string& text) {
  return std::any_of(notes.begin(), notes.end(), [&](const auto& s) { return s.find(text) != std::string::npos; });
}

TEST(ValidityNotes, MaximumPercentileLimitsFollowNearestRank) {
  EXPECT_TRUE(has(notes_for(99), "p99 and p99.9 are the maximum"));
  EXPECT_FALSE(has(notes_for(100), "p99 and p99.9 are the maximum"));  // p99 is rank 99 of 100
  EXPECT_TRUE(has(notes_for(100), "p99.9 is the maximum"));
  EXPECT_TRUE(has(notes_for(999), "p99.9 is the maximum"));
  EXPECT_FALSE(has(notes_for(1000), "the maximum"));  // p99.9 is rank 999 of 1000
}

}  // namespace
}  // namespace eb::bench
