#include "reports/statistics.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "core/rng.h"

namespace eb::reports {

double mean_of(std::span<const double> v) {
  if (v.empty()) return 0;
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

double percentile_of(std::span<const double> v, double p) {
  if (v.empty()) throw std::invalid_argument("percentile of no samples");
  std::vector<double> s(v.begin(), v.end());
  std::sort(s.begin(), s.end());
  const double n = static_cast<double>(s.size());
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * n));
  rank = std::clamp<std::size_t>(rank, 1, s.size());
  return s[rank - 1];
}

double median_of(std::span<const double> v) { return percentile_of(v, 50); }

RatioInterval bootstrap_interval(const std::vector<std::vector<double>>& groups, const Statistic& stat, int resamples,
                                 std::uint64_t seed) {
  RatioInterval r;
  r.estimate = stat(groups);
  r.resamples = resamples;
  r.seed = seed;
  Rng rng(seed);
  std::vector<std::vector<double>> drawn = groups;
  std::vector<double> values;
  values.reserve(static_cast<std::size_t>(std::max(resamples, 0)));
  for (int i = 0; i < resamples; ++i) {
    for (std::size_t g = 0; g < groups.size(); ++g)
      for (auto& x : drawn[g]) x = groups[g][rng.below(groups[g].size())];
    const double q = stat(drawn);
    if (std::isfinite(q)) values.push_back(q);
  }
  if (values.empty()) {
    r.low = r.high = r.estimate;
    return r;
  }
  r.low = percentile_of(values, 2.5);
  r.high = percentile_of(values, 97.5);
  return r;
}

std::optional<MannWhitney> mann_whitney_u(std::span<const double> a, std::span<const double> b) {
  if (a.size() < kMinRunsForU || b.size() < kMinRunsForU) return std::nullopt;
  struct Obs {
    double v;
    bool from_a;
  };
  std::vector<Obs> all;
  all.reserve(a.size() + b.size());
  for (double x : a) all.push_back({x, true});
  for (double x : b) all.push_back({x, false});
  std::sort(all.begin(), all.end(), [](const Obs& x, const Obs& y) { return x.v < y.v; });

  // Mid-ranks for ties; the tie term Σ(t³ − t) corrects the variance.
  double rank_sum_a = 0, tie_term = 0;
  for (std::size_t i = 0; i < all.size();) {
    std::size_t j = i;
    while (j < all.size() && all[j].v == all[i].v) ++j;
    const double t = static_cast<double>(j - i);
    const double mid = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
    for (std::size_t k = i; k < j; ++k)
      if (all[k].from_a) rank_sum_a += mid;
    tie_term += t * t * t - t;
    i = j;
  }
  MannWhitney m;
  m.n_a = a.size();
  m.n_b = b.size();
  const double na = static_cast<double>(m.n_a), nb = static_cast<double>(m.n_b), n = na + nb;
  m.u = rank_sum_a - na * (na + 1) / 2.0;
  m.effect = m.u / (na * nb);
  const double mu = na * nb / 2.0;
  const double var = na * nb / 12.0 * ((n + 1) - tie_term / (n * (n - 1)));
  if (var <= 0) {  // every value equal: no evidence of a difference
    m.z = 0;
    m.p_value = 1;
    return m;
  }
  const double diff = m.u - mu;
  const double corrected = std::max(std::fabs(diff) - 0.5, 0.0);
  m.z = std::copysign(corrected / std::sqrt(var), diff);
  m.p_value = std::min(1.0, std::erfc(std::fabs(m.z) / std::sqrt(2.0)));
  return m;
}

}  // namespace eb::reports
