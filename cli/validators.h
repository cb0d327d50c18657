// Flag checks with one-line messages that state the real valid range. CLI11's own
// PositiveNumber/NonNegativeNumber print "Value 0 not in range 0.000000 to 1.79769e+308",
// and an unsigned option silently wraps "-1" to 18446744073709551615.
#pragma once

#include <cstdint>

#include <CLI/CLI.hpp>

namespace eb::cli {

// An integer from `min` to `max` (inclusive); text that is not an integer is left to the
// option's own conversion, which names the flag.
CLI::Validator int_range(std::int64_t min, std::int64_t max);
// An integer at least `min`, up to what an int holds.
CLI::Validator int_at_least(std::int64_t min);
// An unsigned 64-bit value (seeds): a minus sign is an error, not a wrap-around.
CLI::Validator unsigned_value();
// A finite real number greater than zero.
CLI::Validator positive_real();

}  // namespace eb::cli
