// Statistics of latency samples, computed once into a plain record that every reporter
// (console, JSON) only formats.
//
// Percentiles use the nearest-rank definition on the sorted samples: the p-th percentile
// of n samples is the sample of 1-based rank ⌈p/100 · n⌉ (rank 1 for p = 0). It is always
// one of the measured values — never an interpolation — so p99 of 50 samples is the
// maximum, which is what a reader of "p99" should be told.
#pragma once

#include <cstdint>
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
};

// The sample of nearest rank ⌈p/100 · n⌉ in `sorted` (ascending). Throws
// std::invalid_argument when `sorted` is empty or p is outside [0, 100].
double percentile_nearest_rank(std::span<const double> sorted, double p);

// Throws std::invalid_argument when `samples_ns` is empty.
LatencyStats compute_latency_stats(std::span<const double> samples_ns);
LatencyStats compute_latency_stats(std::span<const std::int64_t> samples_ns);

}  // namespace eb::bench
