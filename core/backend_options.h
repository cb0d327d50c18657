// A backend's settings, declared: each `--backend-option KEY=VALUE` key a backend reads,
// with its type, default, range and help. The framework parses every given value against
// these declarations, once, into a typed set with the defaults filled in (ResolvedOptions):
// check_backend_options (core/registry.h) runs that parse before anything runs, the record
// stores the set's values (`backend.resolved_options`), and the backend reads the same set
// through typed accessors. No backend parses a string, checks a range or knows a default
// of its own; it checks only what a declaration cannot say (a file's contents, two lists of
// one length).
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <variant>
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

// One option's value, typed: flag → bool, integer → int64, number → double, choice and
// text → string, numbers → vector<double>.
using OptionValue = std::variant<bool, std::int64_t, double, std::string, std::vector<double>>;

// Parses `value` as the option's type. Throws std::invalid_argument "KEY=VALUE is not
// valid: <usage>" for a value that does not parse as that type or lies outside its range
// (an integer also outside the int64 range).
OptionValue parse_option_value(const OptionSpec& spec, std::string_view value);
// The same check, the value discarded.
void check_option_value(const OptionSpec& spec, std::string_view value);

// The settings a backend runs with, parsed once: every declared option with its given
// value or else its default; an option without a default and not given has no value.
// Asking for a key that was not declared, for the wrong type, or for the value of an option
// that has none is a programming error (std::logic_error), never a user's.
class ResolvedOptions {
 public:
  ResolvedOptions() = default;  // declares nothing
  // Throws std::invalid_argument (parse_option_value's message) for a given value of a
  // declared key that is not valid. Keys of `given` that are not declared are not looked at
  // (other backends' keys; check_backend_options rejects the unknown ones of this prefix).
  ResolvedOptions(std::vector<OptionSpec> specs, const std::map<std::string, std::string>& given);

  bool declares(std::string_view key) const;
  // Whether the option has a value (given, or a default). Throws std::logic_error when undeclared.
  bool has(std::string_view key) const;
  // Whether the value was given rather than defaulted (a model that names its source when
  // set). Throws std::logic_error when undeclared.
  bool given(std::string_view key) const;
  bool get_bool(std::string_view key) const;                              // flag
  std::int64_t get_int(std::string_view key) const;                       // integer
  double get_double(std::string_view key) const;                          // number
  const std::string& get_choice(std::string_view key) const;              // choice
  const std::string& get_text(std::string_view key) const;                // text
  const std::vector<double>& get_numbers(std::string_view key) const;     // numbers

  // The values as the user wrote them (or as the default is declared), by key: what the
  // record stores. Parsing any of them again gives the typed value above.
  const std::map<std::string, std::string>& strings() const { return text_; }

 private:
  const OptionSpec& spec(std::string_view key) const;  // throws std::logic_error when undeclared
  const OptionValue& value(std::string_view key, OptionType type) const;

  std::vector<OptionSpec> specs_;
  std::map<std::string, OptionValue, std::less<>> values_;
  std::map<std::string, std::string> text_;
  std::vector<std::string> given_;
};

}  // namespace eb
