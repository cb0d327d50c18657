#include "core/backend_options.h"

#include <algorithm>
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

// A whole number that fits an int64 (what the accessor hands out).
bool parses_as_integer(std::string_view s, std::int64_t& v) {
  if (s.empty()) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
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

OptionValue parse_option_value(const OptionSpec& spec, std::string_view value) {
  const auto bad = [&] { return std::invalid_argument(fmt::format("{}={} is not valid: {}", spec.key, value, spec.usage())); };
  double v = 0;
  switch (spec.type) {
    case OptionType::flag:
      if (value == "1" || value == "on" || value == "true") return true;
      if (value == "0" || value == "off" || value == "false") return false;
      throw bad();
    case OptionType::integer: {
      std::int64_t i = 0;
      if (!parses_as_integer(value, i) || !in_bounds(spec, static_cast<double>(i))) throw bad();
      return i;
    }
    case OptionType::number:
      if (!parses_as_number(value, v) || !in_bounds(spec, v)) throw bad();
      return v;
    case OptionType::choice:
      for (const auto& c : spec.choices)
        if (value == c) return c;
      throw bad();
    case OptionType::numbers: {
      std::vector<double> out;
      std::size_t start = 0;
      while (true) {
        const std::size_t comma = value.find(',', start);
        if (!parses_as_number(value.substr(start, comma == std::string_view::npos ? comma : comma - start), v)) throw bad();
        out.push_back(v);
        if (comma == std::string_view::npos) break;
        start = comma + 1;
      }
      return out;
    }
    case OptionType::text: return std::string(value);
  }
  throw bad();
}

void check_option_value(const OptionSpec& spec, std::string_view value) { (void)parse_option_value(spec, value); }

ResolvedOptions::ResolvedOptions(std::vector<OptionSpec> specs, const std::map<std::string, std::string>& given)
    : specs_(std::move(specs)) {
  for (const auto& s : specs_) {
    const auto it = given.find(s.key);
    const std::string* text = it != given.end() ? &it->second : (s.default_value.empty() ? nullptr : &s.default_value);
    if (!text) continue;
    if (it != given.end()) given_.push_back(s.key);
    values_.emplace(s.key, parse_option_value(s, *text));
    text_.emplace(s.key, *text);
  }
}

bool ResolvedOptions::declares(std::string_view key) const {
  return std::any_of(specs_.begin(), specs_.end(), [&](const OptionSpec& s) { return s.key == key; });
}

const OptionSpec& ResolvedOptions::spec(std::string_view key) const {
  for (const auto& s : specs_)
    if (s.key == key) return s;
  throw std::logic_error(fmt::format("backend option '{}' is read but not declared", key));
}

bool ResolvedOptions::has(std::string_view key) const {
  (void)spec(key);
  return values_.find(key) != values_.end();
}

bool ResolvedOptions::given(std::string_view key) const {
  (void)spec(key);
  return std::find(given_.begin(), given_.end(), key) != given_.end();
}

const OptionValue& ResolvedOptions::value(std::string_view key, OptionType type) const {
  const OptionSpec& s = spec(key);
  if (s.type != type) throw std::logic_error(fmt::format("backend option '{}' is read as another type than it is declared", key));
  const auto it = values_.find(key);
  if (it == values_.end()) throw std::logic_error(fmt::format("backend option '{}' has no default and was not given", key));
  return it->second;
}

bool ResolvedOptions::get_bool(std::string_view key) const { return std::get<bool>(value(key, OptionType::flag)); }
std::int64_t ResolvedOptions::get_int(std::string_view key) const { return std::get<std::int64_t>(value(key, OptionType::integer)); }
double ResolvedOptions::get_double(std::string_view key) const { return std::get<double>(value(key, OptionType::number)); }
const std::string& ResolvedOptions::get_choice(std::string_view key) const {
  return std::get<std::string>(value(key, OptionType::choice));
}
const std::string& ResolvedOptions::get_text(std::string_view key) const { return std::get<std::string>(value(key, OptionType::text)); }
const std::vector<double>& ResolvedOptions::get_numbers(std::string_view key) const {
  return std::get<std::vector<double>>(value(key, OptionType::numbers));
}

}  // namespace eb
