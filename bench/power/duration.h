// Durations on the command line (--idle-baseline 5s, --power-period 1ms): a decimal number
// and a unit — ns, us, ms, s, m — e.g. "500ms", "2.5s", "1m". "0" alone means none.
#pragma once

#include <chrono>
#include <string_view>

namespace eb::bench {

// Throws std::invalid_argument (naming the text) when it is not a non-negative duration.
std::chrono::nanoseconds parse_duration(std::string_view text);

}  // namespace eb::bench
