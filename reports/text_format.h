// Formatting of figures for people: units, the "~" mark of a modeled figure, "–" for a
// figure a record does not have, and escaping for CSV, HTML and Markdown.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "reports/record.h"
#include "reports/statistics.h"

namespace eb::reports {

inline constexpr const char* kMissing = "–";
inline constexpr const char* kModeledMark = "~";

std::string format_ns(double ns);               // "812.3 µs", "12.35 ms", "1.234 s"
// Display width of UTF-8 text in a terminal: code points, not bytes ("µ" is two bytes, one column).
std::size_t display_width(std::string_view s);
std::string format_number(double v, int significant = 3);  // "0.0123", "12.3", "1234"

// "~12.35 ms" when modeled, "–" when missing.
std::string format_latency(const MaybeFigure& f);
std::string format_figure(const MaybeFigure& f, std::string_view unit, int significant = 3);
// "2.24× [2.10, 2.38]", "~2.24× [...]"; a zero-resample interval shows no brackets.
std::string format_ratio(const RatioInterval& r, bool modeled);
// "p=0.003 faster" / "p=0.41 n.s."
std::string format_u_test(const MannWhitney& u, bool modeled);

std::string csv_field(std::string_view s);   // quoted when it holds a comma, quote or newline
std::string csv_line(const std::vector<std::string>& fields);
std::string html_escape(std::string_view s);
std::string markdown_escape(std::string_view s);  // "|" escaped

// Aligned plain-text columns; the header is bold and "~" cells are yellow when `colour`.
class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header, std::vector<bool> right_aligned = {});
  void add_row(std::vector<std::string> cells);
  std::string render(bool colour, std::string_view indent = "") const;

 private:
  std::vector<std::string> header_;
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace eb::reports
