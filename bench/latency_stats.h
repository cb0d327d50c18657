// Statistics of latency samples, computed once into a plain record that every reporter
// (console, JSON) only formats.
//
// Percentiles use the nearest-rank definition on the sorted samples: the p-th percentile
// of n samples is the sample of 1-based rank ⌈p/100 · n⌉ (rank 1 for p = 0). It is always
// one of the measured values — never an interpolation — so p99 of 50 samples is the
// maximum, which is what a reader of "p99" should be told.
//
// Early stopping (MLPerf LoadGen's idea): a sample percentile from n queries is itself an
// estimate. An upper bound on the true p-quantile q at confidence c is the sample of the
// smallest rank k such that
//
//     P(x_(k) >= q) = P(X <= k - 1) >= c,      X ~ Binomial(n, p/100)
//
// because x_(k) >= q exactly when fewer than k of the n samples fall below q, and each
// sample falls below q with probability p/100 (continuous latencies, independent
// queries). k is found from the binomial CDF, summed exactly in log space for
// n <= kExactBinomialLimit, and above that from the normal approximation with continuity
// correction,  k = ceil(n·p' + z_c·sqrt(n·p'(1 − p')) + 0.5),  p' = p/100, z_0.99 = 2.3263.
// When even k = n is not enough (n < log(1 − c) / log(p'), 44 queries for p90 at 99%),
// there is no bound: the run is too short to bound its p90.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

namespace eb::bench {

struct LatencyStats {
  std::size_t count = 0;
  double min_ns = 0;
  double max_ns = 0;
  double mean_ns = 0;
  double stddev_ns = 0;  // sample standard deviation (n − 1 in the denominator; 0 for n = 1)
  double cv = 0;         // coefficient of variation, stddev / mean
  double p50_ns = 0;
  double p90_ns = 0;
  double p95_ns = 0;
  double p99_ns = 0;
  double p99_9_ns = 0;
  // Early-stopping upper bound on the true p90 at 99% confidence, and the rank it is
  // (nullopt when there are too few samples for a bound).
  std::optional<double> p90_upper_99_ns;
  std::optional<std::size_t> p90_upper_99_rank;
};

inline constexpr double kEarlyStoppingPercentile = 90;
inline constexpr double kEarlyStoppingConfidence = 0.99;
inline constexpr std::size_t kExactBinomialLimit = 100000;
inline constexpr double kCvWarningThreshold = 0.05;  // a CV above 5% is warned about

// The 1-based rank k of the order statistic that bounds the p-th percentile from above at
// `confidence` (above), or nullopt when n is too small. Throws std::invalid_argument when
// p is not in (0, 100) or confidence not in (0, 1).
std::optional<std::size_t> percentile_upper_bound_rank(std::size_t n, double p, double confidence);
// The same by the normal approximation only (exposed for tests and large n).
std::optional<std::size_t> percentile_upper_bound_rank_normal(std::size_t n, double p, double confidence);

// The sample of nearest rank ⌈p/100 · n⌉ in `sorted` (ascending). Throws
// std::invalid_argument when `sorted` is empty or p is outside [0, 100].
double percentile_nearest_rank(std::span<const double> sorted, double p);

// Throws std::invalid_argument when `samples_ns` is empty.
LatencyStats compute_latency_stats(std::span<const double> samples_ns);
LatencyStats compute_latency_stats(std::span<const std::int64_t> samples_ns);

}  // namespace eb::bench
