// Small self-contained SVG charts for the HTML report: axes with ticks and units, a
// legend, and data marks (every mark has class "mark", which the report's test looks
// for). A chart with nothing to draw is not drawn: the caller says so in words instead.
#pragma once

#include <string>
#include <vector>

namespace eb::reports {

struct Axis {
  std::string label;  // with the unit: "latency (ms)"
  bool log = false;   // logarithmic (values must be > 0)
};

struct Series {
  std::string name;    // legend entry
  std::string colour;  // CSS colour
  std::vector<double> x, y;
  bool step = false;   // a step function (CDF)
  bool dashed = false; // modeled figures
};

struct Band {  // a shaded x range (a run phase)
  double x0 = 0, x1 = 0;
  std::string label;
};

struct LineChart {
  std::string title;
  Axis x, y;
  std::vector<Series> series;
  std::vector<Band> bands;
};

struct Bar {
  std::string label;
  double value = 0;
  std::string colour;
  bool modeled = false;  // drawn hatched, label prefixed with "~"
};

struct BarChart {
  std::string title;
  std::string value_label;  // "mJ per inference"
  std::vector<Bar> bars;
  bool horizontal = false;  // long labels (per-node profile)
};

struct Point {
  std::string label;
  std::string colour;
  double x = 0, y = 0;
  bool modeled = false;
  bool on_front = false;  // on the Pareto front: drawn larger, joined by the front line
};

struct ScatterChart {
  std::string title;
  Axis x, y;
  std::vector<Point> points;
};

// Empty string when there is nothing to draw.
std::string svg_line_chart(const LineChart& c);
std::string svg_bar_chart(const BarChart& c);
std::string svg_scatter_chart(const ScatterChart& c);

// "Nice" tick positions covering [lo, hi] (about `count` of them).
std::vector<double> nice_ticks(double lo, double hi, int count = 5);

// A colour for the i-th backend, the same in every chart.
std::string palette_colour(std::size_t i);

}  // namespace eb::reports
