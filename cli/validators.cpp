#include "cli/validators.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <string>

#include <fmt/format.h>

namespace eb::cli {
namespace {

std::string trimmed(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

}  // namespace

CLI::Validator int_range(std::int64_t min, std::int64_t max) {
  return CLI::Validator(
      [min, max](std::string& input) -> std::string {
        const std::string s = trimmed(input);
        std::int64_t v = 0;
        const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        const bool integer = end == s.data() + s.size() && !s.empty();
        if (ec == std::errc::result_out_of_range || (integer && (v < min || v > max)))
          return fmt::format("{} is out of range: give {} to {}", s.size() > 30 ? s.substr(0, 30) + "..." : s, min, max);
        return {};
      },
      fmt::format("INT in [{}, {}]", min, max));
}

CLI::Validator int_at_least(std::int64_t min) { return int_range(min, std::numeric_limits<int>::max()); }

CLI::Validator unsigned_value() {
  return CLI::Validator(
      [](std::string& input) -> std::string {
        if (trimmed(input).rfind('-', 0) == 0)
          return fmt::format("{} is negative: give 0 to {}", trimmed(input), std::numeric_limits<std::uint64_t>::max());
        return {};
      },
      "UINT64");
}

CLI::Validator positive_real() {
  return CLI::Validator(
      [](std::string& input) -> std::string {
        const std::string s = trimmed(input);
        char* end = nullptr;
        const double v = std::strtod(s.c_str(), &end);
        if (s.empty() || end != s.c_str() + s.size()) return {};  // not a number: the conversion says so
        if (!std::isfinite(v) || v <= 0) return fmt::format("{} is out of range: give a number greater than 0", s);
        return {};
      },
      "NUMBER > 0");
}

}  // namespace eb::cli
