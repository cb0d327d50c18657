#include "bench/latency_stats.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace eb::bench {

double percentile_nearest_rank(std::span<const double> sorted, double p) {
  if (sorted.empty()) throw std::invalid_argument("percentile of no samples");
  if (!(p >= 0.0 && p <= 100.0)) throw std::invalid_argument("percentile " + std::to_string(p) + " is outside [0, 100]");
  const double n = static_cast<double>(sorted.size());
  // A product that should be an integer (p = 99.9, n = 1000 → 999) may come out a hair
  // above it in binary floating point; that must not step up a rank.
  const double x = p * n / 100.0;
  double rank = std::ceil(x);
  if (rank > 1 && x - (rank - 1) <= 1e-9 * x) rank -= 1;
  const auto r = static_cast<std::size_t>(rank);
  return sorted[std::clamp<std::size_t>(r, 1, sorted.size()) - 1];
}

LatencyStats compute_latency_stats(std::span<const double> samples_ns) {
  if (samples_ns.empty()) throw std::invalid_argument("latency statistics of no samples");
  std::vector<double> sorted(samples_ns.begin(), samples_ns.end());
  std::sort(sorted.begin(), sorted.end());

  LatencyStats s;
  s.count = sorted.size();
  s.min_ns = sorted.front();
  s.max_ns = sorted.back();
  double sum = 0;
  for (double v : sorted) sum += v;
  s.mean_ns = sum / static_cast<double>(s.count);
  if (s.count > 1) {
    double sq = 0;
    for (double v : sorted) sq += (v - s.mean_ns) * (v - s.mean_ns);
    s.stddev_ns = std::sqrt(sq / static_cast<double>(s.count - 1));
  }
  s.cv = s.mean_ns > 0 ? s.stddev_ns / s.mean_ns : 0.0;
  s.p50_ns = percentile_nearest_rank(sorted, 50);
  s.p90_ns = percentile_nearest_rank(sorted, 90);
  s.p95_ns = percentile_nearest_rank(sorted, 95);
  s.p99_ns = percentile_nearest_rank(sorted, 99);
  s.p99_9_ns = percentile_nearest_rank(sorted, 99.9);
  return s;
}

LatencyStats compute_latency_stats(std::span<const std::int64_t> samples_ns) {
  std::vector<double> d(samples_ns.begin(), samples_ns.end());
  return compute_latency_stats(std::span<const double>(d));
}

}  // namespace eb::bench
