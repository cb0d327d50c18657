// The CPU power model the harness falls back to when RAPL energy counters cannot be read
// (no /sys/class/powercap/intel-rapl*, or not readable, as in most VMs and containers).
// Sampling and energy integration belong to the harness (bench/power); this is only the
// model, and every figure it yields must be recorded as Provenance::modeled with
// description() as the model name.
//
//   P(busy) = sockets_used · TDP · (idle_fraction + (1 − idle_fraction) · busy_cores / cores_per_socket)
//
// i.e. per socket a fixed floor plus a share of TDP proportional to the busy cores, with
// busy cores filling one socket before the next. TDP is the vendor's per-socket thermal
// design power; it is not readable from the OS, so the caller supplies it.
#pragma once

#include <string>

namespace eb::cpu {

struct TdpPowerModel {
  double tdp_watts = 0;       // per socket
  int sockets = 1;
  int cores_per_socket = 1;
  double idle_fraction = 0.3;  // share of TDP drawn by an idle socket (uncore, leakage)

  // Modeled package power with `busy_cores` cores running (clamped to the host's cores).
  double watts(int busy_cores) const;
  // "tdp-linear(tdp=120W/socket, sockets=1, cores/socket=2, idle=0.30)"
  std::string description() const;
};

// The model for this host: sockets and logical CPUs per socket from /proc/cpuinfo, TDP as
// given.
TdpPowerModel host_power_model(double tdp_watts);

}  // namespace eb::cpu
