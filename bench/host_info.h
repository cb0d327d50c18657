// What machine a result was measured on, recorded in every result so that numbers from
// different hosts are never compared unknowingly.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace eb::bench {

struct HostInfo {
  std::string cpu_model;           // /proc/cpuinfo "model name" (or "unknown")
  unsigned logical_cores = 0;      // hardware threads of the machine
  unsigned cores_available = 0;    // of those, the ones this process may run on (affinity, cgroups)
  std::string os;                  // uname: "Linux 6.1.0-18-amd64 x86_64"
  std::string distribution;        // /etc/os-release PRETTY_NAME, empty when unreadable
  std::string compiler;            // the compiler that built edgebench: "GCC 12.2.0"
  std::optional<std::string> cpu_governor;  // cpufreq scaling governor of cpu0, when readable
};

// Reads the facts above; never throws (what cannot be read is left empty or "unknown").
HostInfo collect_host_info();

nlohmann::json to_json(const HostInfo& host);

}  // namespace eb::bench
