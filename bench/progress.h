// The progress line of a run: "[reference] 42 queries, 12.3 s, p50 251.2 ms".
//
// Shown only once a timed phase has run for more than a second (short runs stay silent).
// On a terminal the line is rewritten in place (\r, cleared to the end); elsewhere (a log,
// a pipe, a test) it degrades to a plain line at most every `plain_interval`, so a log
// shows that the run is alive without a flood of lines. Formatting only: the runner
// decides when a snapshot is taken (runner.h: MeasureSettings::progress_interval).
#pragma once

#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>

#include "bench/runner.h"

namespace eb::bench {

// "812.3 us", "12.35 ms", "1.234 s" (ASCII, for any terminal).
std::string format_duration_ns(double ns);

class ProgressLine {
 public:
  ProgressLine(std::FILE* out, bool terminal, std::chrono::nanoseconds plain_interval = std::chrono::seconds(2));
  ~ProgressLine() { finish(); }
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  static std::string format(std::string_view backend, const ProgressSnapshot& s);
  void update(std::string_view backend, const ProgressSnapshot& s);
  // Ends a line left open on a terminal; call before printing anything else.
  void finish();
  int lines_written() const { return lines_; }

 private:
  std::FILE* out_;
  bool terminal_;
  std::chrono::nanoseconds plain_interval_;
  std::chrono::nanoseconds last_plain_{-1};
  bool open_ = false;
  int lines_ = 0;
};

}  // namespace eb::bench
