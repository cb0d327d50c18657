#include "cli/format.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <fmt/format.h>

namespace eb::cli {

std::string format_count(double n) {
  const double a = std::fabs(n);
  if (a >= 1e9) return fmt::format("{:.3g} G", n / 1e9);
  if (a >= 1e6) return fmt::format("{:.4g} M", n / 1e6);
  if (a >= 1e3) return fmt::format("{:.4g} k", n / 1e3);
  return fmt::format("{:.0f}", n);
}

std::string one_line(std::string_view text) {
  std::string out(text);
  std::replace_if(out.begin(), out.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string shell_command_line(int argc, const char* const* argv) {
  std::string out = "edgebench";
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    const bool plain = !a.empty() && std::all_of(a.begin(), a.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("-_./=:,+@%").find(c) != std::string_view::npos;
    });
    out += ' ';
    if (plain) {
      out += a;
    } else {
      out += '\'';
      for (char c : a) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
      out += '\'';
    }
  }
  return out;
}

Table::Table(std::vector<std::string> header, std::vector<Align> align) : header_(std::move(header)), align_(std::move(align)) {
  align_.resize(header_.size(), Align::left);
}

void Table::add_row(std::vector<std::string> cells) {
  cells.resize(header_.size());
  rows_.push_back(std::move(cells));
}

std::string Table::render(std::string_view indent) const {
  std::vector<std::size_t> w(header_.size(), 0);
  for (std::size_t c = 0; c < header_.size(); ++c) {
    w[c] = reports::display_width(header_[c]);
    for (const auto& row : rows_) w[c] = std::max(w[c], reports::display_width(row[c]));
  }
  std::string out;
  const auto line = [&](const std::vector<std::string>& cells) {
    std::string l(indent);
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const std::string pad(w[c] - reports::display_width(cells[c]), ' ');
      const bool last = c + 1 == cells.size();
      if (align_[c] == Align::right) {
        l += pad;
        l += cells[c];
      } else {
        l += cells[c];
        if (!last) l += pad;
      }
      if (!last) l += "  ";
    }
    out += l + "\n";
  };
  line(header_);
  for (const auto& row : rows_) line(row);
  return out;
}

}  // namespace eb::cli
