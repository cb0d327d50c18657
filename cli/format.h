// Console formatting shared by the subcommands: human-readable counts, aligned tables,
// one-line messages (durations and display widths are the reports' own, text_format.h).
// Formatting only — no decisions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "reports/text_format.h"

namespace eb::cli {

using reports::format_ns;  // "812.3 µs", "12.35 ms", "1.234 s"
// "17.98 M", "785.4 M", "1.53 G", "512"
std::string format_count(double n);
// Newlines and tabs become spaces, so that an error is exactly one line.
std::string one_line(std::string_view text);
// "edgebench run --model 'a b'": argv[0] shown as "edgebench", arguments quoted for a POSIX shell when needed.
std::string shell_command_line(int argc, const char* const* argv);

// Columns padded to their widest cell; numeric columns right-aligned.
class Table {
 public:
  enum class Align : std::uint8_t { left, right };
  explicit Table(std::vector<std::string> header, std::vector<Align> align = {});
  void add_row(std::vector<std::string> cells);
  std::string render(std::string_view indent = "") const;

 private:
  std::vector<std::string> header_;
  std::vector<Align> align_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace eb::cli
