#include "reports/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "reports/text_format.h"

namespace eb::reports {
namespace {

constexpr double kWidth = 600, kHeight = 340;
constexpr double kLeft = 70, kRight = 170, kTop = 34, kBottom = 50;  // kRight holds the legend

struct Scale {
  double lo = 0, hi = 1, p0 = 0, p1 = 1;
  bool log = false;
  double operator()(double v) const {
    const double a = log ? std::log10(lo) : lo, b = log ? std::log10(hi) : hi, x = log ? std::log10(v) : v;
    return b == a ? (p0 + p1) / 2 : p0 + (x - a) / (b - a) * (p1 - p0);
  }
};

std::string tick_text(double v) {
  if (v == 0) return "0";
  const double a = std::fabs(v);
  if (a >= 1e4 || a < 1e-3) return fmt::format("{:.2g}", v);
  return fmt::format("{:g}", std::round(v * 1e6) / 1e6);
}

std::vector<double> log_ticks(double lo, double hi) {
  std::vector<double> t;
  for (double d = std::pow(10, std::floor(std::log10(lo))); d <= hi * 1.0001; d *= 10)
    for (double m : {1.0, 2.0, 5.0})
      if (d * m >= lo * 0.9999 && d * m <= hi * 1.0001) t.push_back(d * m);
  if (t.size() < 2) t = {lo, hi};
  return t;
}

// Range of values, padded; a log axis keeps only positive values.
std::pair<double, double> range_of(const std::vector<double>& v, bool log, bool from_zero) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (double x : v)
    if (std::isfinite(x) && (!log || x > 0)) {
      lo = std::min(lo, x);
      hi = std::max(hi, x);
    }
  if (!std::isfinite(lo)) return {0, 1};
  if (log) {
    if (hi <= lo) hi = lo * 1.5;
    return {lo / 1.1, hi * 1.1};
  }
  if (from_zero) lo = std::min(lo, 0.0);
  if (hi <= lo) hi = lo + (lo == 0 ? 1 : std::fabs(lo) * 0.1);
  const double pad = (hi - lo) * 0.05;
  return {from_zero && lo == 0 ? 0 : lo - pad, hi + pad};
}

std::string header(const std::string& title, double h = kHeight, double w = kWidth) {
  return fmt::format(
      "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" role=\"img\" "
      "aria-label=\"{}\">\n<text class=\"title\" x=\"{}\" y=\"20\">{}</text>\n",
      w, h, w, h, html_escape(title), kLeft, html_escape(title));
}

// Characters of UTF-8 text (not bytes): what its width on screen follows.
std::size_t characters(const std::string& s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// The first `n` characters of UTF-8 text, or its last `n` (from_end).
std::string characters_of(const std::string& s, std::size_t n, bool from_end) {
  std::vector<std::size_t> starts;
  for (std::size_t i = 0; i < s.size(); ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) starts.push_back(i);
  if (n >= starts.size()) return s;
  return from_end ? s.substr(starts[starts.size() - n]) : s.substr(0, starts[n]);
}

// A bar's label as drawn: whole up to kMaxLabel characters; longer, its head and its tail
// (a node name's distinctive part is often its end) around "…". The whole is in the tooltip.
constexpr std::size_t kMaxLabel = 96;
std::string drawn_label(const std::string& label) {
  if (characters(label) <= kMaxLabel) return label;
  return characters_of(label, kMaxLabel / 2 - 1, false) + "…" + characters_of(label, kMaxLabel / 2, true);
}

// The 11 px tick font's average character width, generous for proportional fonts.
constexpr double kTickCharWidth = 6.4;
// A vertical bar is at most this wide: one lone bar must not fill the chart.
constexpr double kMaxBarWidth = 64;

// Axes, ticks, grid and labels for a plot area.
std::string axes(const Scale& x, const Scale& y, const Axis& xa, const Axis& ya, const std::vector<double>& xt,
                 const std::vector<double>& yt, double h = kHeight) {
  std::string s;
  for (double t : yt) {
    const double py = y(t);
    s += fmt::format("<line class=\"grid\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\"/>"
                     "<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n",
                     x.p0, x.p1, py, py, x.p0 - 6, py + 4, tick_text(t));
  }
  for (double t : xt) {
    const double px = x(t);
    s += fmt::format("<line class=\"grid\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\"/>"
                     "<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n",
                     px, px, y.p0, y.p1, px, y.p0 + 16, tick_text(t));
  }
  s += fmt::format("<line class=\"axis\" x1=\"{0:.1f}\" x2=\"{1:.1f}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\"/>"
                   "<line class=\"axis\" x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{2:.1f}\" y2=\"{3:.1f}\"/>\n",
                   x.p0, x.p1, y.p0, y.p1);
  s += fmt::format("<text class=\"label\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}{}</text>\n", (x.p0 + x.p1) / 2,
                   h - 12, html_escape(xa.label), xa.log ? " (log scale)" : "");
  s += fmt::format("<text class=\"label\" transform=\"translate(16,{:.1f}) rotate(-90)\" text-anchor=\"middle\">{}{}</text>\n",
                   (y.p0 + y.p1) / 2, html_escape(ya.label), ya.log ? " (log scale)" : "");
  return s;
}

std::string legend_entry(std::size_t i, const std::string& name, const std::string& colour, bool dashed) {
  const double y = kTop + 8 + 18.0 * static_cast<double>(i);
  const double x = kWidth - kRight + 14;
  return fmt::format("<line x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\" stroke-width=\"3\"{}/>"
                     "<text class=\"legend\" x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n",
                     x, x + 18, y, y, colour, dashed ? " stroke-dasharray=\"4 3\"" : "", x + 24, y + 4, html_escape(name));
}

}  // namespace

std::vector<double> nice_ticks(double lo, double hi, int count) {
  if (!(hi > lo)) return {lo};
  const double raw = (hi - lo) / std::max(count, 1);
  const double mag = std::pow(10, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (raw <= m * mag) {
      step = m * mag;
      break;
    }
  std::vector<double> t;
  for (double v = std::ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) t.push_back(std::fabs(v) < step * 1e-9 ? 0 : v);
  return t;
}

std::string palette_colour(std::size_t i) {
  static constexpr const char* kColours[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"};
  return kColours[i % std::size(kColours)];
}

std::string svg_line_chart(const LineChart& c) {
  std::vector<double> xs, ys;
  for (const auto& s : c.series) {
    xs.insert(xs.end(), s.x.begin(), s.x.end());
    ys.insert(ys.end(), s.y.begin(), s.y.end());
  }
  for (const auto& b : c.bands) {
    xs.push_back(b.x0);
    xs.push_back(b.x1);
  }
  if (ys.empty()) return {};
  const auto [x0, x1] = range_of(xs, c.x.log, false);
  const auto [y0, y1] = range_of(ys, c.y.log, true);
  const Scale x{x0, x1, kLeft, kWidth - kRight, c.x.log}, y{y0, y1, kHeight - kBottom, kTop, c.y.log};
  std::string s = header(c.title);
  for (const auto& b : c.bands) {
    s += fmt::format("<rect class=\"band\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\"/>"
                     "<text class=\"band-label\" x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n",
                     x(b.x0), y.p1, std::max(x(b.x1) - x(b.x0), 1.0), y.p0 - y.p1, x(b.x0) + 3, y.p1 + 12,
                     html_escape(b.label));
  }
  s += axes(x, y, c.x, c.y, c.x.log ? log_ticks(x0, x1) : nice_ticks(x0, x1), c.y.log ? log_ticks(y0, y1) : nice_ticks(y0, y1));
  std::size_t legend = 0;
  for (const auto& series : c.series) {
    if (series.x.empty()) continue;
    std::string d;
    for (std::size_t i = 0; i < series.x.size(); ++i) {
      if (c.x.log && series.x[i] <= 0) continue;
      const double px = x(series.x[i]), py = y(series.y[i]);
      if (d.empty())
        d = fmt::format("M{:.1f},{:.1f}", px, series.step ? y(0) : py);
      if (series.step) d += fmt::format(" H{:.1f} V{:.1f}", px, py);
      else d += fmt::format(" L{:.1f},{:.1f}", px, py);
    }
    s += fmt::format("<path class=\"mark\" d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{}><title>{}</title></path>\n", d,
                     series.colour, series.dashed ? " stroke-dasharray=\"6 4\"" : "", html_escape(series.name));
    s += legend_entry(legend++, series.name, series.colour, series.dashed);
  }
  return s + "</svg>\n";
}

std::string svg_bar_chart(const BarChart& c) {
  if (c.bars.empty()) return {};
  double hi = 0;
  for (const auto& b : c.bars) hi = std::max(hi, b.value);
  if (hi <= 0) hi = 1;
  const auto ticks = nice_ticks(0, hi * 1.05);
  const double top = std::max(ticks.back(), hi);
  std::string s;
  if (c.horizontal) {
    // The label column fits the longest label (node names are long; cutting them made the
    // bars anonymous); the plot keeps its width, so the chart grows instead.
    std::size_t longest = 0;
    for (const auto& b : c.bars) longest = std::max(longest, characters(drawn_label((b.modeled ? std::string(kModeledMark) : "") + b.label)));
    const double row = 20, right = 40, plot = 320;
    const double left = std::max(kLeft, 12 + kTickCharWidth * static_cast<double>(longest));
    const double width = std::max(kWidth, left + plot + right);
    const double h = kTop + row * static_cast<double>(c.bars.size()) + kBottom;
    const Scale x{0, top, left, width - right, false};
    s = header(c.title, h, width);
    for (double t : ticks)
      s += fmt::format("<line class=\"grid\" x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1:.1f}\" y2=\"{2:.1f}\"/>"
                       "<text class=\"tick\" x=\"{0:.1f}\" y=\"{3:.1f}\" text-anchor=\"middle\">{4}</text>\n",
                       x(t), kTop, h - kBottom, h - kBottom + 16, tick_text(t));
    for (std::size_t i = 0; i < c.bars.size(); ++i) {
      const auto& b = c.bars[i];
      const double py = kTop + row * static_cast<double>(i);
      const std::string label = (b.modeled ? std::string(kModeledMark) : "") + b.label;
      s += fmt::format("<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>"
                       "<rect class=\"mark{}\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\">"
                       "<title>{}: {}</title></rect>\n",
                       left - 6, py + row * 0.7, html_escape(drawn_label(label)),
                       b.modeled ? " modeled" : "", left, py + 3, std::max(x(b.value) - left, 1.0), row - 6, b.colour,
                       html_escape(label), format_number(b.value, 4));
    }
    s += fmt::format("<line class=\"axis\" x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1:.1f}\" y2=\"{2:.1f}\"/>\n", left, kTop, h - kBottom);
    s += fmt::format("<text class=\"label\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n", (left + width - right) / 2,
                     h - 12, html_escape(c.value_label));
    return s + "</svg>\n";
  }
  const Scale y{0, top, kHeight - kBottom, kTop, false};
  const double plot_w = kWidth - kRight - kLeft;
  const double slot = plot_w / static_cast<double>(c.bars.size());
  const Scale x{0, 1, kLeft, kWidth - kRight, false};
  s = header(c.title);
  s += axes(x, y, Axis{""}, Axis{c.value_label}, {}, ticks);
  const double bar = std::min(slot * 0.7, kMaxBarWidth);
  for (std::size_t i = 0; i < c.bars.size(); ++i) {
    const auto& b = c.bars[i];
    const double px = kLeft + slot * (static_cast<double>(i) + 0.5) - bar / 2;
    const std::string label = (b.modeled ? std::string(kModeledMark) : "") + b.label;
    s += fmt::format("<rect class=\"mark{}\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\">"
                     "<title>{}: {}</title></rect>"
                     "<text class=\"value\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>"
                     "<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n",
                     b.modeled ? " modeled" : "", px, y(b.value), bar, std::max(y(0) - y(b.value), 1.0), b.colour,
                     html_escape(label), format_number(b.value, 4), px + bar / 2, y(b.value) - 4,
                     (b.modeled ? std::string(kModeledMark) : "") + format_number(b.value, 3), px + bar / 2,
                     kHeight - kBottom + 16, html_escape(label));
  }
  return s + "</svg>\n";
}

std::string svg_scatter_chart(const ScatterChart& c) {
  if (c.points.empty()) return {};
  std::vector<double> xs, ys;
  for (const auto& p : c.points) {
    xs.push_back(p.x);
    ys.push_back(p.y);
  }
  const auto [x0, x1] = range_of(xs, c.x.log, false);
  const auto [y0, y1] = range_of(ys, c.y.log, false);
  const Scale x{x0, x1, kLeft, kWidth - kRight, c.x.log}, y{y0, y1, kHeight - kBottom, kTop, c.y.log};
  std::string s = header(c.title);
  s += axes(x, y, c.x, c.y, c.x.log ? log_ticks(x0, x1) : nice_ticks(x0, x1), c.y.log ? log_ticks(y0, y1) : nice_ticks(y0, y1));
  std::vector<Point> front;
  for (const auto& p : c.points)
    if (p.on_front) front.push_back(p);
  std::sort(front.begin(), front.end(), [](const Point& a, const Point& b) { return a.x < b.x; });
  if (front.size() >= 2) {
    std::string d;
    for (const auto& p : front) d += fmt::format("{}{:.1f},{:.1f}", d.empty() ? "M" : " L", x(p.x), y(p.y));
    s += fmt::format("<path class=\"front\" d=\"{}\" fill=\"none\"/>\n", d);
  }
  std::size_t legend = 0;
  for (const auto& p : c.points) {
    const std::string label = (p.modeled ? std::string(kModeledMark) : "") + p.label;
    s += fmt::format("<circle class=\"mark{}\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{}\" fill=\"{}\"><title>{}: {}, {}</title></circle>\n",
                     p.on_front ? " pareto" : "", x(p.x), y(p.y), p.on_front ? 7 : 5, p.colour, html_escape(label),
                     format_number(p.x, 4), format_number(p.y, 4));
    s += legend_entry(legend++, label + (p.on_front ? " (Pareto)" : ""), p.colour, p.modeled);
  }
  return s + "</svg>\n";
}

}  // namespace eb::reports
