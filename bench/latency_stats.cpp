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

namespace {

// Inverse of the standard normal CDF (Acklam's rational approximation, relative error
// below 1.2e-9), for the normal-approximation bound.
double normal_quantile(double q) {
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                                 1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                                 6.680131188771972e+01,  -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                                 -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                                 3.754408661907416e+00};
  constexpr double lo = 0.02425, hi = 1 - lo;
  if (q < lo) {
    const double t = std::sqrt(-2 * std::log(q));
    return (((((c[0] * t + c[1]) * t + c[2]) * t + c[3]) * t + c[4]) * t + c[5]) /
           ((((d[0] * t + d[1]) * t + d[2]) * t + d[3]) * t + 1);
  }
  if (q > hi) return -normal_quantile(1 - q);
  const double r = q - 0.5, t = r * r;
  return (((((a[0] * t + a[1]) * t + a[2]) * t + a[3]) * t + a[4]) * t + a[5]) * r /
         (((((b[0] * t + b[1]) * t + b[2]) * t + b[3]) * t + b[4]) * t + 1);
}

void check_bound_arguments(double p, double confidence) {
  if (!(p > 0 && p < 100)) throw std::invalid_argument("percentile " + std::to_string(p) + " is outside (0, 100)");
  if (!(confidence > 0 && confidence < 1))
    throw std::invalid_argument("confidence " + std::to_string(confidence) + " is outside (0, 1)");
}

}  // namespace

std::optional<std::size_t> percentile_upper_bound_rank_normal(std::size_t n, double p, double confidence) {
  check_bound_arguments(p, confidence);
  if (n == 0) return std::nullopt;
  const double q = p / 100, nn = static_cast<double>(n);
  const double k = std::ceil(nn * q + normal_quantile(confidence) * std::sqrt(nn * q * (1 - q)) + 0.5);
  if (k > nn) return std::nullopt;
  return static_cast<std::size_t>(std::max(k, 1.0));
}

std::optional<std::size_t> percentile_upper_bound_rank(std::size_t n, double p, double confidence) {
  check_bound_arguments(p, confidence);
  if (n == 0) return std::nullopt;
  if (n > kExactBinomialLimit) return percentile_upper_bound_rank_normal(n, p, confidence);
  // P(X <= k - 1) for X ~ Binomial(n, q), accumulated term by term in log space so that
  // q^n (0.9^100000) does not underflow the terms that matter.
  const double q = p / 100, nn = static_cast<double>(n);
  const double log_q = std::log(q), log_1q = std::log1p(-q), log_n_fact = std::lgamma(nn + 1);
  double cdf = 0;
  for (std::size_t j = 0; j < n; ++j) {  // after adding P(X = j), cdf = P(X <= j): bound rank j + 1
    const double jj = static_cast<double>(j);
    cdf += std::exp(log_n_fact - std::lgamma(jj + 1) - std::lgamma(nn - jj + 1) + jj * log_q + (nn - jj) * log_1q);
    if (cdf >= confidence) return j + 1;
  }
  return std::nullopt;  // P(X <= n - 1) = 1 − q^n < confidence
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
  if (auto k = percentile_upper_bound_rank(s.count, kEarlyStoppingPercentile, kEarlyStoppingConfidence)) {
    s.p90_upper_99_rank = *k;
    s.p90_upper_99_ns = sorted[*k - 1];
  }
  return s;
}

LatencyStats compute_latency_stats(std::span<const std::int64_t> samples_ns) {
  std::vector<double> d(samples_ns.begin(), samples_ns.end());
  return compute_latency_stats(std::span<const double>(d));
}

}  // namespace eb::bench
