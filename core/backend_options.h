// A backend's settings, declared: each `--backend-option KEY=VALUE` key a backend reads,
// with its type, default, range and help. The framework checks every given key and value
// against these declarations once, before anything runs (check_backend_options in
// core/registry.h), shows them (`edgebench list --options`) and records the resolved
// values; a backend still parses the strings it reads, but never sees an undeclared key or
// a value outside the declared range.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace eb {

enum class OptionType : std::uint8_t {
  flag,     // 0|1 (also off|on, false|true)
  integer,  // a whole number in [min, max]
  number,   // a real number in [min, max] (or (min, max] with min_exclusive)
  choice,   // one of `choices`
  numbers,  // comma-separated real numbers ("0.5,0.5,0.5")
  text,     // anything (a path, a file name); the backend's check_options judges it
};

struct OptionSpec {
  std::string key = {};            // "<backend>.<name>", the backend's name as prefix
  OptionType type = OptionType::text;
  std::string default_value = {};  // as a user would write it; empty: none (the option acts by being given)
  std::string help = {};           // one line
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_exclusive = false;             // number: the value must be above min
  std::vector<std::string> choices = {};  // choice: the accepted values

  // What a valid value looks like, for messages and `list --options`:
  // "fpga.convs=auto|patch|im2col", "fpga.clock_mhz is a number > 0",
  // "edgetpu.array_rows is an integer in [1, 4096]".
  std::string usage() const;
  // The value type alone, for a table column: "0|1", "integer in [1, 4096]", "auto|off", ...
  std::string type_text() const;
};

// Throws std::invalid_argument "KEY=VALUE is not valid: <usage>" for a value that does not
// parse as the option's type or lies outside its range.
void check_option_value(const OptionSpec& spec, std::string_view value);

// The settings a backend runs with: every declared option with its default, overridden by
// the given ones (`extra`, already checked); options without a default appear only when given.
std::map<std::string, std::string> resolve_options(const std::vector<OptionSpec>& specs,
                                                   const std::map<std::string, std::string>& extra);

}  // namespace eb
