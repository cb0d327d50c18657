#include "bench/host_load.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
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

std::optional<ProcessStat> parse_process_stat(std::string_view stat, long ticks_per_s) {
  if (ticks_per_s <= 0) return std::nullopt;
  // "pid (comm) state ppid ..." — comm may hold spaces and parentheses, so the fields are
  // counted after the last ')'; ppid is field 4, utime and stime are fields 14 and 15,
  // cutime and cstime 16 and 17.
  const auto close = stat.rfind(')');
  if (close == std::string_view::npos) return std::nullopt;
  std::istringstream rest{std::string(stat.substr(close + 1))};
  std::vector<std::string> fields;
  for (std::string w; rest >> w && fields.size() < 15;) fields.push_back(w);
  if (fields.size() < 15) return std::nullopt;
  try {
    ProcessStat p;
    const double tick = 1.0 / static_cast<double>(ticks_per_s);
    p.ppid = std::stol(fields[1]);  // field 4 (field 3 is fields[0])
    p.cpu_s = (std::stod(fields[11]) + std::stod(fields[12])) * tick;
    p.waited_children_s = (std::stod(fields[13]) + std::stod(fields[14])) * tick;  // cutime, cstime
    return p;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<CpuTimes> parse_cpu_times(std::string_view proc_stat, std::string_view self_stat, long ticks_per_s) {
  if (ticks_per_s <= 0 || proc_stat.rfind("cpu ", 0) != 0) return std::nullopt;
  // "cpu  user nice system idle iowait irq softirq steal guest guest_nice" (guest is already in user)
  std::istringstream line{std::string(proc_stat.substr(4, proc_stat.find('\n') - 4))};
  std::vector<double> f;
  for (double v = 0; line >> v;) f.push_back(v);
  if (f.size() < 8) return std::nullopt;
  const auto self = parse_process_stat(self_stat, ticks_per_s);
  if (!self) return std::nullopt;
  CpuTimes t;
  const double tick = 1.0 / static_cast<double>(ticks_per_s);
  t.self_s = self->cpu_s + self->waited_children_s;
  t.busy_s = (f[0] + f[1] + f[2] + f[5] + f[6]) * tick;
  t.steal_s = f[7] * tick;
  return t;
}

std::optional<CpuTimes> read_cpu_times() {
  const auto stat = slurp("/proc/stat"), self = slurp("/proc/self/stat");
  if (!stat || !self) return std::nullopt;
  const long ticks = ::sysconf(_SC_CLK_TCK);
  auto t = parse_cpu_times(*stat, *self, ticks);
  if (!t) return t;
  // This process's own children (the onnxruntime peer) are part of the benchmark, not the
  // host's other load.
  const long pid = static_cast<long>(::getpid());
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/proc", ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) continue;
    const auto text = slurp((it->path() / "stat").c_str());
    if (!text) continue;  // gone meanwhile
    if (const auto p = parse_process_stat(*text, ticks); p && p->ppid == pid) t->self_s += p->cpu_s;
  }
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
          {"provenance", to_json(Provenance::measured("/proc/stat, and /proc/PID/stat of this process and its children (the benchmark), over the timed phase"))}};
}

}  // namespace eb::bench
