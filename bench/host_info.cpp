#include "bench/host_info.h"

#include <sched.h>
#include <sys/utsname.h>

#include <fstream>
#include <string_view>
#include <thread>

namespace eb::bench {
namespace {

std::string trim(std::string s) {
  const auto first = s.find_first_not_of(" \t\r\n\"");
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n\"");
  return s.substr(first, last - first + 1);
}

// The value of the first "key<sep>value" line of a text file, trimmed; empty if none.
std::string field_of(const char* file, std::string_view key, char sep) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    const auto pos = line.find(sep);
    if (pos == std::string::npos) continue;
    if (trim(line.substr(0, pos)) == key) return trim(line.substr(pos + 1));
  }
  return {};
}

std::string first_line(const char* file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  return trim(line);
}

std::string compiler_name() {
#if defined(__clang__)
  return "Clang " __clang_version__;
#elif defined(__GNUC__)
  return "GCC " __VERSION__;
#else
  return "unknown";
#endif
}

}  // namespace

HostInfo collect_host_info() {
  HostInfo h;
  h.cpu_model = field_of("/proc/cpuinfo", "model name", ':');
  if (h.cpu_model.empty()) h.cpu_model = field_of("/proc/cpuinfo", "Model", ':');  // many Arm boards
  if (h.cpu_model.empty()) h.cpu_model = "unknown";
  h.logical_cores = std::thread::hardware_concurrency();
  cpu_set_t set;
  CPU_ZERO(&set);
  h.cores_available = sched_getaffinity(0, sizeof set, &set) == 0 ? static_cast<unsigned>(CPU_COUNT(&set)) : h.logical_cores;
  utsname u{};
  if (uname(&u) == 0) h.os = std::string(u.sysname) + " " + u.release + " " + u.machine;
  h.distribution = field_of("/etc/os-release", "PRETTY_NAME", '=');
  h.compiler = compiler_name();
  if (auto g = first_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"); !g.empty()) h.cpu_governor = g;
  return h;
}

nlohmann::json to_json(const HostInfo& host) {
  return {{"cpu_model", host.cpu_model},
          {"logical_cores", host.logical_cores},
          {"cores_available", host.cores_available},
          {"os", host.os},
          {"distribution", host.distribution},
          {"compiler", host.compiler},
          {"cpu_governor", host.cpu_governor ? nlohmann::json(*host.cpu_governor) : nlohmann::json(nullptr)}};
}

}  // namespace eb::bench
