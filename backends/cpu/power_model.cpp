#include "backends/cpu/power_model.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <fmt/format.h>

namespace eb::cpu {

double TdpPowerModel::watts(int busy_cores) const {
  const int cps = std::max(cores_per_socket, 1);
  int left = std::clamp(busy_cores, 0, sockets * cps);
  double w = 0;
  for (int s = 0; s < sockets; ++s) {
    const int busy = std::min(left, cps);
    left -= busy;
    w += tdp_watts * (idle_fraction + (1 - idle_fraction) * static_cast<double>(busy) / cps);
  }
  return w;
}

std::string TdpPowerModel::description() const {
  return fmt::format("tdp-linear(tdp={}W/socket, sockets={}, cores/socket={}, idle={:.2f})", tdp_watts, sockets,
                     cores_per_socket, idle_fraction);
}

TdpPowerModel host_power_model(double tdp_watts) {
  TdpPowerModel m;
  m.tdp_watts = tdp_watts;
  std::ifstream in("/proc/cpuinfo");
  std::set<std::string> sockets;
  int cores = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("physical id")) sockets.insert(line.substr(line.find(':') + 1));
    if (line.starts_with("processor")) ++cores;
  }
  m.sockets = std::max<int>(1, static_cast<int>(sockets.size()));
  if (cores == 0) cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  m.cores_per_socket = std::max(1, cores / m.sockets);
  return m;
}

}  // namespace eb::cpu
