#include "bench/power/integrate.h"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

namespace eb::bench {
namespace {

constexpr double kNsToS = 1e-9;

double seconds(std::int64_t ns) { return static_cast<double>(ns) * kNsToS; }

void check_window(std::span<const PowerSample> samples, std::int64_t t0, std::int64_t t1) {
  if (t1 < t0) throw std::domain_error(fmt::format("energy window ends ({} s) before it starts ({} s)", seconds(t1), seconds(t0)));
  if (samples.empty()) throw std::domain_error("no samples to integrate");
  for (std::size_t i = 1; i < samples.size(); ++i)
    if (samples[i].t_ns < samples[i - 1].t_ns)
      throw std::domain_error(fmt::format("samples go back in time at {} s", seconds(samples[i].t_ns)));
  if (samples.front().t_ns > t0 || samples.back().t_ns < t1)
    throw std::domain_error(fmt::format("samples cover [{:.6f}, {:.6f}] s, which does not contain the window "
                                        "[{:.6f}, {:.6f}] s",
                                        seconds(samples.front().t_ns), seconds(samples.back().t_ns), seconds(t0),
                                        seconds(t1)));
}

// The share of the interval [a, b] that lies in [t0, t1], as the overlap's bounds.
struct Overlap {
  std::int64_t lo, hi;
  bool empty() const { return hi <= lo; }
};
Overlap overlap(std::int64_t a, std::int64_t b, std::int64_t t0, std::int64_t t1) {
  return {std::max(a, t0), std::min(b, t1)};
}

}  // namespace

double counter_energy(std::span<const PowerSample> samples, double range_j, std::int64_t t0_ns, std::int64_t t1_ns) {
  check_window(samples, t0_ns, t1_ns);
  double joules = 0;
  for (std::size_t i = 1; i < samples.size(); ++i) {
    const PowerSample& a = samples[i - 1];
    const PowerSample& b = samples[i];
    double delta = b.value - a.value;
    if (delta < 0) {
      if (range_j <= 0)
        throw std::domain_error(fmt::format("energy counter went down from {} J to {} J at {:.6f} s and has no wrap "
                                            "range (reset?)",
                                            a.value, b.value, seconds(b.t_ns)));
      delta += range_j;  // it wrapped once (twice cannot be told apart: see integrate.h)
    }
    if (b.t_ns == a.t_ns) {
      // Two readings at the same instant: their difference happened at that instant.
      if (a.t_ns > t0_ns && a.t_ns <= t1_ns) joules += delta;
      continue;
    }
    const Overlap o = overlap(a.t_ns, b.t_ns, t0_ns, t1_ns);
    if (o.empty()) continue;
    joules += delta * static_cast<double>(o.hi - o.lo) / static_cast<double>(b.t_ns - a.t_ns);
  }
  return joules;
}

double trapezoid_energy(std::span<const PowerSample> samples, std::int64_t t0_ns, std::int64_t t1_ns) {
  check_window(samples, t0_ns, t1_ns);
  double joules = 0;
  for (std::size_t i = 1; i < samples.size(); ++i) {
    const PowerSample& a = samples[i - 1];
    const PowerSample& b = samples[i];
    const Overlap o = overlap(a.t_ns, b.t_ns, t0_ns, t1_ns);
    if (o.empty()) continue;  // also skips zero-width intervals, which hold no energy
    const double span = static_cast<double>(b.t_ns - a.t_ns);
    const auto power_at = [&](std::int64_t t) { return a.value + (b.value - a.value) * static_cast<double>(t - a.t_ns) / span; };
    joules += 0.5 * (power_at(o.lo) + power_at(o.hi)) * seconds(o.hi - o.lo);
  }
  return joules;
}

double window_energy(const PowerSourceInfo& info, std::span<const PowerSample> samples, std::int64_t t0_ns,
                     std::int64_t t1_ns) {
  return info.kind == PowerKind::counter ? counter_energy(samples, info.counter_range_j, t0_ns, t1_ns)
                                         : trapezoid_energy(samples, t0_ns, t1_ns);
}

std::optional<std::chrono::nanoseconds> estimate_update_period(std::span<const PowerSample> samples) {
  std::vector<std::int64_t> changes;
  for (std::size_t i = 1; i < samples.size(); ++i)
    if (samples[i].value != samples[i - 1].value) changes.push_back(samples[i].t_ns);
  if (changes.size() < 3) return std::nullopt;
  std::vector<std::int64_t> gaps;
  gaps.reserve(changes.size() - 1);
  for (std::size_t i = 1; i < changes.size(); ++i) gaps.push_back(changes[i] - changes[i - 1]);
  const auto mid = gaps.begin() + static_cast<std::ptrdiff_t>(gaps.size() / 2);
  std::nth_element(gaps.begin(), mid, gaps.end());
  return std::chrono::nanoseconds(*mid);
}

}  // namespace eb::bench
