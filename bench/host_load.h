// What the host did besides the benchmark during the timed phase: other processes' CPU
// time and the hypervisor's steal time, from /proc/stat and /proc/PID/stat (this process
// and its children, such as the onnxruntime peer, are the benchmark; the rest is other
// load). On a small machine another busy process makes oneDNN's OpenMP threads wait for
// cores (p50 8 ms -> 113 ms on 2 cores) while the record would otherwise look normal.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

namespace eb::bench {

// A reading of the host's and this process's CPU time, in seconds of CPU.
struct CpuTimes {
  double busy_s = 0;   // all processes: user + nice + system + irq + softirq (/proc/stat "cpu")
  double steal_s = 0;  // time the hypervisor ran something else on this VM's CPUs
  // this process, all its threads, and its children — live ones (the onnxruntime peer) by
  // their /proc/PID/stat, ended ones by cutime + cstime — as they are part of the benchmark
  double self_s = 0;
  std::int64_t t_ns = 0;  // steady clock
};

// One process's /proc/PID/stat: its parent, its CPU time (utime + stime) and that of its
// children it has waited for (cutime + cstime), in seconds.
struct ProcessStat {
  long ppid = 0;
  double cpu_s = 0;
  double waited_children_s = 0;
};
std::optional<ProcessStat> parse_process_stat(std::string_view stat, long ticks_per_s);

// Parses the two files' text; nullopt when either is not in the expected form. (Live
// children are added by read_cpu_times, which finds them in /proc.)
std::optional<CpuTimes> parse_cpu_times(std::string_view proc_stat, std::string_view self_stat, long ticks_per_s);
// Reads /proc now; nullopt where /proc cannot be read (not Linux, a sandbox).
std::optional<CpuTimes> read_cpu_times();

// The difference of two readings, as average cores: 1.0 is one core busy for the whole span.
struct HostLoad {
  double seconds = 0;      // wall time between the readings
  double other_cores = 0;  // other processes' CPU time / seconds
  double steal_cores = 0;  // steal time / seconds
  double own_cores = 0;    // this process's CPU time / seconds
};

std::optional<HostLoad> host_load_between(const CpuTimes& before, const CpuTimes& after);

// Other processes plus steal above this many cores on average make the record's timings
// doubtful: a validity warning with the figures (not INVALID: the run itself is sound, and
// a desktop always has some background).
inline constexpr double kBusyHostCores = 0.5;

// Other processes plus steal above kBusyHostCores: the validity warning's test, and the
// measuring commands' reason to let idle OpenMP threads sleep (cli/openmp_defaults.h).
bool is_busy(const HostLoad& load);

// The host's load over the next `span` of wall time (this process sleeping through it);
// nullopt where /proc cannot be read.
std::optional<HostLoad> sample_host_load(std::chrono::milliseconds span);

nlohmann::json to_json(const HostLoad& load);

}  // namespace eb::bench
