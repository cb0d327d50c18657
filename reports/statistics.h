// Statistics for comparing two backends from their stored latency samples:
//
//   bootstrap_ratio  a percentile bootstrap 95% confidence interval of a ratio of two
//                    statistics (each side resampled with replacement, independently),
//                    drawn from eb::Rng so that the interval is the same on every machine
//                    for the same seed and samples.
//   mann_whitney_u   the two-sided Mann–Whitney U test (normal approximation with tie
//                    correction and continuity correction), used only when both sides have
//                    at least kMinRunsForU samples.
//
// Caveat (stated in reports): queries of one run are not fully independent (drift,
// thermal state), so both are indications of run-to-run noise, not guarantees.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

namespace eb::reports {

inline constexpr std::size_t kMinRunsForU = 9;
inline constexpr int kBootstrapResamples = 2000;
inline constexpr std::uint64_t kBootstrapSeed = 0x5eedb007ull;

double mean_of(std::span<const double> v);              // 0 for an empty span
double median_of(std::span<const double> v);            // nearest rank, like the records
double percentile_of(std::span<const double> v, double p);  // nearest rank on a sorted copy; throws on empty

// A figure computed from several groups of samples (for example the baseline's and a
// backend's latencies).
using Statistic = std::function<double(const std::vector<std::vector<double>>& groups)>;

struct RatioInterval {
  double estimate = 0;  // ratio of the statistics of the full samples
  double low = 0;       // 2.5th percentile of the bootstrap ratios
  double high = 0;      // 97.5th percentile
  int resamples = 0;
  std::uint64_t seed = 0;
};

// `stat` of the groups as given (the estimate), and the 2.5th and 97.5th percentiles of
// `stat` over `resamples` resamplings, each group resampled with replacement
// independently (an empty group stays empty). Non-finite resampled values are dropped.
RatioInterval bootstrap_interval(const std::vector<std::vector<double>>& groups, const Statistic& stat,
                                 int resamples = kBootstrapResamples, std::uint64_t seed = kBootstrapSeed);

struct MannWhitney {
  double u = 0;        // U of the first sample (count of pairs where a > b, ties 1/2)
  double z = 0;        // standardised, with continuity correction
  double p_value = 1;  // two-sided
  double effect = 0.5; // U / (n_a n_b): probability that a random a exceeds a random b
  std::size_t n_a = 0, n_b = 0;
  bool significant(double alpha = 0.05) const { return p_value < alpha; }
};

// nullopt when either side has fewer than kMinRunsForU samples.
std::optional<MannWhitney> mann_whitney_u(std::span<const double> a, std::span<const double> b);

}  // namespace eb::reports
