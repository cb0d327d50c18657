// Energy of a time window from timestamped samples.
//
// Both kinds are read as a cumulative energy E(t), and the window's energy is
// E(t1) − E(t0):
//   counter — E is the counter, unwrapped (a reading below the previous one adds one
//             counter range) and linearly interpolated between samples. With samples at
//             the window's ends this is exactly the counter difference.
//   power   — power is linear between samples, so E is the sum of trapezoids; a window
//             edge inside a sample interval takes the power interpolated at the edge.
// The samples must cover the window (first sample at or before t0, last at or after t1):
// nothing is extrapolated. The sampler guarantees coverage for a window taken between its
// start() and stop().
//
// Wraparound: one range per interval between two readings is all that can be detected; a
// counter that wrapped twice between two reads loses a whole range. Sampling far faster
// than the wrap time (RAPL: minutes at full power) makes that impossible.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>

#include "bench/power/power_source.h"

namespace eb::bench {

// Joules consumed in [t0_ns, t1_ns] according to a counter series (J). range_j: the
// counter's wrap range (0: never wraps). Throws std::domain_error when the window is not
// covered, when t1 < t0, when samples go back in time, or when the counter decreases and
// does not wrap.
double counter_energy(std::span<const PowerSample> samples, double range_j, std::int64_t t0_ns, std::int64_t t1_ns);

// Joules in [t0_ns, t1_ns] from a power series (W), by trapezoids clipped to the window.
// Throws std::domain_error when the window is not covered, t1 < t0, or samples go back
// in time.
double trapezoid_energy(std::span<const PowerSample> samples, std::int64_t t0_ns, std::int64_t t1_ns);

// counter_energy or trapezoid_energy, by the source's kind.
double window_energy(const PowerSourceInfo& info, std::span<const PowerSample> samples, std::int64_t t0_ns,
                     std::int64_t t1_ns);

// How often the sensor produced a new value, from the samples: the median time between
// changes of value. Needs at least three changes (two intervals); nullopt otherwise (a
// constant or too short series). When the sensor updates faster than it is sampled, every
// sample changes and the estimate is the sampling interval — an upper bound, still the
// right scale for "is this window long enough?".
std::optional<std::chrono::nanoseconds> estimate_update_period(std::span<const PowerSample> samples);

}  // namespace eb::bench
