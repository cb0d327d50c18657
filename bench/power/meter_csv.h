// The external meter's line format, shared by the log file and the streaming command:
//
//   # comments and blank lines are ignored
//   timestamp_s,watts        <- an optional header: the first content line, all fields non-numeric
//   12.500,3.21
//   12.600,3.25
//
// Strict: a line that is not a sample is rejected with its number and the reason — wrong
// number of fields, a field that is not a finite number, negative watts, or a timestamp
// earlier than the previous accepted one (equal timestamps are allowed: a zero-width
// step). Every bad line is reported, not only the first, so a log can be fixed in one go.
// A streamed line may also carry the watts alone (the receipt time is its timestamp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bench/power/power_source.h"

namespace eb::bench {

struct MeterLineError {
  int line = 0;  // 1-based
  std::string reason;
  friend bool operator==(const MeterLineError&, const MeterLineError&) = default;
};

// One parsed line.
struct MeterLine {
  enum class Kind : std::uint8_t { sample, ignored, error };
  Kind kind = Kind::ignored;  // ignored: blank, comment or header
  std::optional<double> t_s;  // sample: its timestamp, when the line has one
  double watts = 0;
  MeterLineError error;  // when kind == error
};

// Parses lines one at a time, keeping the line count, whether a header may still come,
// and the last timestamp (to reject time going backwards).
class MeterLineParser {
 public:
  // time_required: every sample needs "timestamp,watts" (a log file); otherwise "watts"
  // alone is accepted too (a stream timestamped on receipt).
  explicit MeterLineParser(bool time_required) : time_required_(time_required) {}
  MeterLine parse(std::string_view line);

 private:
  bool time_required_;
  int line_ = 0;
  bool content_seen_ = false;
  std::optional<double> last_t_s_;
};

struct MeterLog {
  std::vector<PowerSample> samples;     // accepted lines, t_ns = offset_ns + round(timestamp_s · 1e9)
  std::vector<MeterLineError> rejected;  // every bad line, in order
  bool ok() const { return rejected.empty(); }
};

// A whole log. `offset_ns` maps the log's clock onto the steady clock (0 when the log is
// in host-monotonic seconds; see meter_source.h).
MeterLog parse_meter_csv(std::string_view text, std::int64_t offset_ns = 0);

}  // namespace eb::bench
