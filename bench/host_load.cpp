#include "bench/host_load.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/provenance_json.h"

namespace eb::bench {
namespace {

std::optional<std::string> slurp(const char* path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::optional<CpuTimes> parse_cpu_times(std::string_view proc_stat, std::string_view self_stat, long ticks_per_s) {
  if (ticks_per_s <= 0 || proc_stat.rfind("cpu ", 0) != 0) return std::nullopt;
  // "cpu  user nice system idle iowait irq softirq steal guest guest_nice" (guest is already in user)
  std::istringstream line{std::string(proc_stat.substr(4, proc_stat.find('\n') - 4))};
  std::vector<double> f;
  for (double v = 0; line >> v;) f.push_back(v);
  if (f.size() < 8) return std::nullopt;
  // /proc/self/stat: "pid (comm) state ..." — comm may hold spaces and parentheses, so the
  // fields are counted after the last ')'; utime and stime are fields 14 and 15.
  const auto close = self_stat.rfind(')');
  if (close == std::string_view::npos) return std::nullopt;
  std::istringstream rest{std::string(self_stat.substr(close + 1))};
  std::vector<std::string> fields;
  for (std::string w; rest >> w && fields.size() < 13;) fields.push_back(w);
  if (fields.size() < 13) return std::nullopt;
  CpuTimes t;
  const double tick = 1.0 / static_cast<double>(ticks_per_s);
  try {
    t.self_s = (std::stod(fields[11]) + std::stod(fields[12])) * tick;  // fields 14, 15 (field 3 is fields[0])
  } catch (const std::exception&) {
    return std::nullopt;
  }
  t.busy_s = (f[0] + f[1] + f[2] + f[5] + f[6]) * tick;
  t.steal_s = f[7] * tick;
  return t;
}

std::optional<CpuTimes> read_cpu_times() {
  const auto stat = slurp("/proc/stat"), self = slurp("/proc/self/stat");
  if (!stat || !self) return std::nullopt;
  auto t = parse_cpu_times(*stat, *self, ::sysconf(_SC_CLK_TCK));
  if (t)
    t->t_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
  return t;
}

std::optional<HostLoad> host_load_between(const CpuTimes& before, const CpuTimes& after) {
  const double seconds = static_cast<double>(after.t_ns - before.t_ns) * 1e-9;
  if (seconds <= 0) return std::nullopt;
  HostLoad l;
  l.seconds = seconds;
  l.own_cores = std::max(0.0, after.self_s - before.self_s) / seconds;
  // Ticks are counted per CPU at 100 Hz or so: over a short phase the difference can be a
  // tick either way, hence the clamp.
  l.other_cores = std::max(0.0, (after.busy_s - before.busy_s) - (after.self_s - before.self_s)) / seconds;
  l.steal_cores = std::max(0.0, after.steal_s - before.steal_s) / seconds;
  return l;
}

bool is_busy(const HostLoad& load) { return load.other_cores + load.steal_cores > kBusyHostCores; }

std::optional<HostLoad> sample_host_load(std::chrono::milliseconds span) {
  const auto before = read_cpu_times();
  if (!before) return std::nullopt;
  std::this_thread::sleep_for(span);
  const auto after = read_cpu_times();
  if (!after) return std::nullopt;
  return host_load_between(*before, *after);
}

nlohmann::json to_json(const HostLoad& l) {
  return {{"seconds", l.seconds},
          {"other_processes_cores", l.other_cores},
          {"steal_cores", l.steal_cores},
          {"own_cores", l.own_cores},
          {"busy_threshold_cores", kBusyHostCores},
          {"provenance", to_json(Provenance::measured("/proc/stat and /proc/self/stat over the timed phase"))}};
}

}  // namespace eb::bench
