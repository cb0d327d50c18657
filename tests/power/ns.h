// The power tests write their timestamps as multiples of kS, nanoseconds per second.
#pragma once

#include <cstdint>

namespace eb::bench::testing {

inline constexpr std::int64_t kS = 1'000'000'000;

}  // namespace eb::bench::testing
