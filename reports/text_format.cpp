#include "reports/text_format.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace eb::reports {
namespace {

std::string mark(const Figure& f) { return f.modeled() ? kModeledMark : ""; }

}  // namespace

std::size_t display_width(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xc0u) != 0x80u; }));
}

std::string format_ns(double ns) {
  const double a = std::fabs(ns);
  if (a >= 1e9) return fmt::format("{:.3f} s", ns / 1e9);
  if (a >= 1e6) return fmt::format("{:.2f} ms", ns / 1e6);
  if (a >= 1e3) return fmt::format("{:.1f} µs", ns / 1e3);
  return fmt::format("{:.0f} ns", ns);
}

std::string format_number(double v, int significant) {
  if (v == 0) return "0";
  const double a = std::fabs(v);
  const int digits = static_cast<int>(std::floor(std::log10(a))) + 1;  // digits before the point
  const int decimals = std::max(0, significant - digits);
  return fmt::format("{:.{}f}", v, decimals);
}

std::string format_latency(const MaybeFigure& f) { return f ? mark(*f) + format_ns(f->value) : kMissing; }

std::string format_figure(const MaybeFigure& f, std::string_view unit, int significant) {
  if (!f) return kMissing;
  return mark(*f) + format_number(f->value, significant) + (unit.empty() ? "" : " " + std::string(unit));
}

std::string format_ratio(const RatioInterval& r, bool modeled) {
  std::string s = fmt::format("{}{}×", modeled ? kModeledMark : "", format_number(r.estimate, 3));
  if (r.resamples > 0) s += fmt::format(" [{}, {}]", format_number(r.low, 3), format_number(r.high, 3));
  return s;
}

std::string format_u_test(const MannWhitney& u, bool modeled) {
  const std::string p = u.p_value < 0.001 ? "p<0.001" : fmt::format("p={:.3f}", u.p_value);
  // effect = P(backend latency > baseline latency): below 1/2 means faster.
  const std::string verdict = !u.significant() ? "n.s." : (u.effect < 0.5 ? "faster" : "slower");
  return fmt::format("{}{} {}", modeled ? kModeledMark : "", p, verdict);
}

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string csv_line(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + csv_field(fields[i]);
  return out + "\n";
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string markdown_escape(std::string_view s) {
  std::string out;
  for (char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

TextTable::TextTable(std::vector<std::string> header, std::vector<bool> right_aligned)
    : header_(std::move(header)), right_(std::move(right_aligned)) {
  right_.resize(header_.size(), false);
}

void TextTable::add_row(std::vector<std::string> cells) {
  cells.resize(header_.size());
  rows_.push_back(std::move(cells));
}

std::string TextTable::render(bool colour, std::string_view indent) const {
  std::vector<std::size_t> w(header_.size());
  for (std::size_t c = 0; c < header_.size(); ++c) {
    w[c] = display_width(header_[c]);
    for (const auto& row : rows_) w[c] = std::max(w[c], display_width(row[c]));
  }
  const auto line = [&](const std::vector<std::string>& cells, bool header) {
    std::string out(indent);
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const std::string pad(w[c] - display_width(cells[c]), ' ');
      std::string cell = right_[c] ? pad + cells[c] : cells[c] + pad;
      if (colour && header) cell = "\x1b[1m" + cell + "\x1b[0m";
      else if (colour && cells[c].starts_with(kModeledMark)) cell = "\x1b[33m" + cell + "\x1b[0m";
      out += cell;
      if (c + 1 < cells.size()) out += "  ";
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = line(header_, true);
  for (const auto& row : rows_) out += line(row, false);
  return out;
}

}  // namespace eb::reports
