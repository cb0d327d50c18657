#include "core/backend_options.h"

#include <charconv>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace eb {
namespace {

bool parses_as_number(std::string_view s, double& v) {
  if (s.empty()) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() && std::isfinite(v);
}

bool parses_as_integer(std::string_view s, double& v) {
  if (s.empty()) return false;
  if (s.front() == '-') {
    std::int64_t i = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
    v = static_cast<double>(i);
    return ec == std::errc() && end == s.data() + s.size();
  }
  std::uint64_t u = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), u);
  v = static_cast<double>(u);
  return ec == std::errc() && end == s.data() + s.size();
}

// "in [1, 4096]", "> 0", ">= 0", "<= 10", or "" when unbounded.
std::string bounds(const OptionSpec& o) {
  const bool lo = std::isfinite(o.min), hi = std::isfinite(o.max);
  if (lo && hi) return fmt::format(" in {}{:g}, {:g}]", o.min_exclusive ? '(' : '[', o.min, o.max);
  if (lo) return fmt::format(" {} {:g}", o.min_exclusive ? ">" : ">=", o.min);
  if (hi) return fmt::format(" <= {:g}", o.max);
  return "";
}

bool in_bounds(const OptionSpec& o, double v) {
  return (o.min_exclusive ? v > o.min : v >= o.min) && v <= o.max;
}

}  // namespace

std::string OptionSpec::type_text() const {
  switch (type) {
    case OptionType::flag: return "0|1";
    case OptionType::integer: return "integer" + bounds(*this);
    case OptionType::number: return "number" + bounds(*this);
    case OptionType::choice: return fmt::format("{}", fmt::join(choices, "|"));
    case OptionType::numbers: return "numbers,...";
    case OptionType::text: return "text";
  }
  return "text";
}

std::string OptionSpec::usage() const {
  switch (type) {
    case OptionType::flag:
    case OptionType::choice: return key + "=" + type_text();
    case OptionType::integer: return key + " is an integer" + bounds(*this);
    case OptionType::number: return key + " is a number" + bounds(*this);
    case OptionType::numbers: return key + " is a comma-separated list of numbers";
    case OptionType::text: return key + " is " + help;
  }
  return key;
}

void check_option_value(const OptionSpec& spec, std::string_view value) {
  bool ok = true;
  double v = 0;
  switch (spec.type) {
    case OptionType::flag:
      ok = value == "0" || value == "1" || value == "off" || value == "on" || value == "false" || value == "true";
      break;
    case OptionType::integer: ok = parses_as_integer(value, v) && in_bounds(spec, v); break;
    case OptionType::number: ok = parses_as_number(value, v) && in_bounds(spec, v); break;
    case OptionType::choice: {
      ok = false;
      for (const auto& c : spec.choices) ok = ok || value == c;
      break;
    }
    case OptionType::numbers: {
      std::size_t start = 0;
      while (ok) {
        const std::size_t comma = value.find(',', start);
        ok = parses_as_number(value.substr(start, comma == std::string_view::npos ? comma : comma - start), v);
        if (comma == std::string_view::npos) break;
        start = comma + 1;
      }
      break;
    }
    case OptionType::text: break;
  }
  if (!ok) throw std::invalid_argument(fmt::format("{}={} is not valid: {}", spec.key, value, spec.usage()));
}

std::map<std::string, std::string> resolve_options(const std::vector<OptionSpec>& specs,
                                                   const std::map<std::string, std::string>& extra) {
  std::map<std::string, std::string> out;
  for (const auto& s : specs) {
    if (const auto it = extra.find(s.key); it != extra.end()) out[s.key] = it->second;
    else if (!s.default_value.empty()) out[s.key] = s.default_value;
  }
  return out;
}

}  // namespace eb
