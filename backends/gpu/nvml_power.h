// GPU power and energy from NVML, loaded at run time with dlopen("libnvidia-ml.so.1"):
// edgebench neither links against nor needs the driver to build or start, and a machine
// without NVML simply has no GPU power source (open() says why).
//
// Two ways to measure, preferred in this order (DESIGN.md: counters before polled power):
//   - the total-energy counter (nvmlDeviceGetTotalEnergyConsumption, mJ since the driver
//     loaded; Volta and newer): energy = counter(stop) − counter(start);
//   - polled power (nvmlDeviceGetPowerUsage, mW) on a background thread, integrated with
//     timestamped trapezoids. The sensor refreshes more slowly than one can poll, so its
//     update period is measured (from the timestamps of NVML's own power samples,
//     nvmlDeviceGetSamples) and recorded next to the figure. On recent drivers the
//     reading is itself an average over about a second — another reason counters win.
//
// For NVML to find the GPU CUDA runs on, open it by PCI bus id (device_info.h:
// pci_bus_id), not by index: the two numberings may differ.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/provenance.h"

namespace eb::gpu {

struct PowerSample {
  std::int64_t t_ns = 0;  // steady_clock
  double watts = 0;
};

class NvmlDevice {
  struct Key {
    explicit Key() = default;
  };

 public:
  // Only open() can make one (Key is private).
  explicit NvmlDevice(Key);
  // Loads NVML, initialises it and finds the GPU with this PCI bus id. Returns null and
  // sets *why_not when NVML or the GPU is unavailable.
  static std::unique_ptr<NvmlDevice> open(const std::string& pci_bus_id, std::string* why_not);
  ~NvmlDevice();  // nvmlShutdown, dlclose
  NvmlDevice(const NvmlDevice&) = delete;
  NvmlDevice& operator=(const NvmlDevice&) = delete;

  const std::string& name() const { return name_; }
  bool has_energy_counter() const { return has_energy_counter_; }
  // Total energy since the driver loaded, in millijoules; nullopt without a counter.
  std::optional<std::uint64_t> energy_mj() const;
  // Current power reading in watts; nullopt when the GPU does not report power.
  std::optional<double> power_w() const;
  // How often the driver refreshes the power reading, in seconds, from its sample buffer;
  // 0 when NVML keeps no samples for this GPU.
  double power_update_period_s() const { return update_period_s_; }

 private:
  struct Api;
  double measure_update_period() const;

  void* library_ = nullptr;  // dlopen handle
  std::unique_ptr<Api> api_;
  void* device_ = nullptr;  // nvmlDevice_t
  std::string name_;
  bool has_energy_counter_ = false;
  double update_period_s_ = 0;
};

// The energy used between start() and stop().
struct EnergyReading {
  double joules = 0;
  double seconds = 0;
  Provenance provenance;              // measured("nvml:total_energy") or measured("nvml:power_usage ...")
  std::vector<PowerSample> samples;   // the polled samples (empty with the counter)
  double sensor_period_s = 0;         // the power sensor's update period (0: unknown)
};

class NvmlEnergyMeter {
 public:
  // Polling (only used without an energy counter) samples every `poll_period`.
  explicit NvmlEnergyMeter(const NvmlDevice& device, std::chrono::milliseconds poll_period = std::chrono::milliseconds(10));
  ~NvmlEnergyMeter();  // stops a running poller
  NvmlEnergyMeter(const NvmlEnergyMeter&) = delete;
  NvmlEnergyMeter& operator=(const NvmlEnergyMeter&) = delete;

  void start();
  // Throws std::logic_error without a start(), std::runtime_error when no reading was
  // possible (no counter and no power samples).
  EnergyReading stop();

 private:
  void poll(std::stop_token stop);

  const NvmlDevice& device_;
  std::chrono::milliseconds period_;
  bool running_ = false;
  std::chrono::steady_clock::time_point t0_;
  std::uint64_t counter0_ = 0;
  std::mutex mutex_;
  std::vector<PowerSample> samples_;  // guarded by mutex_
  std::jthread poller_;
};

// Trapezoidal integral of timestamped power samples, in joules (0 for fewer than two).
double integrate_trapezoids(const std::vector<PowerSample>& samples);

}  // namespace eb::gpu
