// Provenance in result records: {"kind": "measured" | "modeled" | "published", "source": "..."}.
#pragma once

#include <nlohmann/json.hpp>

#include "core/provenance.h"

namespace eb::bench {

// The clock every host-side latency is taken with.
inline constexpr const char* kHostClock = "std::chrono::steady_clock";

nlohmann::json to_json(const Provenance& p);

}  // namespace eb::bench
