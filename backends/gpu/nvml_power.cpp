#include "backends/gpu/nvml_power.h"

#include <dlfcn.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <stdexcept>

namespace eb::gpu {
namespace {

// The few NVML declarations used here, with the ABI of nvml.h (C enums are int-sized,
// handles are pointers); the header itself is not needed to build.
using NvmlReturn = int;
constexpr NvmlReturn kNvmlSuccess = 0;
using NvmlDeviceHandle = struct NvmlDeviceOpaque*;
union NvmlValue {
  double d_val;
  unsigned int ui_val;
  unsigned long ul_val;
  unsigned long long ull_val;
  signed long long sll_val;
};
struct NvmlSample {
  unsigned long long time_stamp_us;  // CPU timestamp in microseconds
  NvmlValue value;
};
constexpr int kNvmlTotalPowerSamples = 0;  // nvmlSamplingType_t NVML_TOTAL_POWER_SAMPLES; values in mW
constexpr int kNvmlValueUnsignedInt = 1;   // nvmlValueType_t NVML_VALUE_TYPE_UNSIGNED_INT

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

struct NvmlDevice::Api {
  NvmlReturn (*init)() = nullptr;
  NvmlReturn (*shutdown)() = nullptr;
  const char* (*error_string)(NvmlReturn) = nullptr;
  NvmlReturn (*handle_by_pci_bus_id)(const char*, NvmlDeviceHandle*) = nullptr;
  NvmlReturn (*get_name)(NvmlDeviceHandle, char*, unsigned int) = nullptr;
  NvmlReturn (*total_energy)(NvmlDeviceHandle, unsigned long long*) = nullptr;
  NvmlReturn (*power_usage)(NvmlDeviceHandle, unsigned int*) = nullptr;
  NvmlReturn (*get_samples)(NvmlDeviceHandle, int, unsigned long long, int*, unsigned int*, NvmlSample*) = nullptr;
  bool initialised = false;

  std::string message(NvmlReturn r) const { return error_string ? error_string(r) : "NVML error " + std::to_string(r); }
};

namespace {

template <class F>
bool load(void* lib, const char* symbol, F& fn) {
  fn = reinterpret_cast<F>(dlsym(lib, symbol));
  return fn != nullptr;
}

}  // namespace

std::unique_ptr<NvmlDevice> NvmlDevice::open(const std::string& pci_bus_id, std::string* why_not) {
  const auto fail = [why_not](std::string why) -> std::unique_ptr<NvmlDevice> {
    if (why_not) *why_not = std::move(why);
    return nullptr;
  };
  void* lib = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char* err = dlerror();
    return fail(std::string("NVML not available: ") + (err ? err : "libnvidia-ml.so.1 not found"));
  }
  auto dev = std::make_unique<NvmlDevice>(Key{});
  dev->library_ = lib;
  dev->api_ = std::make_unique<Api>();
  Api& api = *dev->api_;
  const char* missing = nullptr;
  if (!load(lib, "nvmlInit_v2", api.init)) missing = "nvmlInit_v2";
  else if (!load(lib, "nvmlShutdown", api.shutdown)) missing = "nvmlShutdown";
  else if (!load(lib, "nvmlErrorString", api.error_string)) missing = "nvmlErrorString";
  else if (!load(lib, "nvmlDeviceGetHandleByPciBusId_v2", api.handle_by_pci_bus_id)) missing = "nvmlDeviceGetHandleByPciBusId_v2";
  else if (!load(lib, "nvmlDeviceGetName", api.get_name)) missing = "nvmlDeviceGetName";
  else if (!load(lib, "nvmlDeviceGetPowerUsage", api.power_usage)) missing = "nvmlDeviceGetPowerUsage";
  if (missing) return fail(std::string("NVML lacks ") + missing);
  // Optional entry points: older GPUs and drivers go without them.
  load(lib, "nvmlDeviceGetTotalEnergyConsumption", api.total_energy);
  load(lib, "nvmlDeviceGetSamples", api.get_samples);

  if (const NvmlReturn r = api.init(); r != kNvmlSuccess) return fail("nvmlInit failed: " + api.message(r));
  api.initialised = true;
  NvmlDeviceHandle handle = nullptr;
  if (const NvmlReturn r = api.handle_by_pci_bus_id(pci_bus_id.c_str(), &handle); r != kNvmlSuccess)
    return fail("NVML has no GPU at PCI " + pci_bus_id + ": " + api.message(r));
  dev->device_ = handle;
  std::array<char, 96> name{};
  if (api.get_name(handle, name.data(), static_cast<unsigned int>(name.size())) == kNvmlSuccess) dev->name_ = name.data();
  unsigned long long energy = 0;
  dev->has_energy_counter_ = api.total_energy && api.total_energy(handle, &energy) == kNvmlSuccess;
  dev->update_period_s_ = dev->measure_update_period();
  return dev;
}

NvmlDevice::NvmlDevice(Key) {}

NvmlDevice::~NvmlDevice() {
  if (api_ && api_->initialised) (void)api_->shutdown();
  if (library_) dlclose(library_);
}

std::optional<std::uint64_t> NvmlDevice::energy_mj() const {
  unsigned long long mj = 0;
  if (!has_energy_counter_ || api_->total_energy(static_cast<NvmlDeviceHandle>(device_), &mj) != kNvmlSuccess)
    return std::nullopt;
  return mj;
}

std::optional<double> NvmlDevice::power_w() const {
  unsigned int mw = 0;
  if (api_->power_usage(static_cast<NvmlDeviceHandle>(device_), &mw) != kNvmlSuccess) return std::nullopt;
  return mw / 1000.0;
}

// The median spacing of the driver's own power samples (it keeps a short ring buffer of
// timestamped readings): the sensor's refresh period.
double NvmlDevice::measure_update_period() const {
  if (!api_->get_samples) return 0;
  const auto dev = static_cast<NvmlDeviceHandle>(device_);
  int type = kNvmlValueUnsignedInt;
  unsigned int count = 0;
  if (api_->get_samples(dev, kNvmlTotalPowerSamples, 0, &type, &count, nullptr) != kNvmlSuccess || count < 2) return 0;
  std::vector<NvmlSample> samples(count);
  if (api_->get_samples(dev, kNvmlTotalPowerSamples, 0, &type, &count, samples.data()) != kNvmlSuccess || count < 2) return 0;
  samples.resize(count);
  std::vector<unsigned long long> stamps;
  for (const auto& s : samples) stamps.push_back(s.time_stamp_us);
  std::sort(stamps.begin(), stamps.end());
  std::vector<double> gaps;
  for (std::size_t i = 1; i < stamps.size(); ++i)
    if (stamps[i] > stamps[i - 1]) gaps.push_back(static_cast<double>(stamps[i] - stamps[i - 1]));
  if (gaps.empty()) return 0;
  std::nth_element(gaps.begin(), gaps.begin() + static_cast<std::ptrdiff_t>(gaps.size() / 2), gaps.end());
  return gaps[gaps.size() / 2] * 1e-6;
}

double integrate_trapezoids(const std::vector<PowerSample>& s) {
  double j = 0;
  for (std::size_t i = 1; i < s.size(); ++i)
    j += 0.5 * (s[i].watts + s[i - 1].watts) * static_cast<double>(s[i].t_ns - s[i - 1].t_ns) * 1e-9;
  return j;
}

NvmlEnergyMeter::NvmlEnergyMeter(const NvmlDevice& device, std::chrono::milliseconds poll_period)
    : device_(device), period_(poll_period) {}

NvmlEnergyMeter::~NvmlEnergyMeter() {
  if (poller_.joinable()) {
    poller_.request_stop();
    poller_.join();
  }
}

void NvmlEnergyMeter::poll(std::stop_token stop) {
  while (!stop.stop_requested()) {
    if (auto w = device_.power_w()) {
      const std::scoped_lock lock(mutex_);
      samples_.push_back({now_ns(), *w});
    }
    std::this_thread::sleep_for(period_);
  }
}

void NvmlEnergyMeter::start() {
  if (running_) throw std::logic_error("NVML energy meter started twice");
  running_ = true;
  t0_ = std::chrono::steady_clock::now();
  if (auto e = device_.energy_mj()) {
    counter0_ = *e;
    return;
  }
  {
    const std::scoped_lock lock(mutex_);
    samples_.clear();
  }
  poller_ = std::jthread([this](std::stop_token st) { poll(st); });
}

EnergyReading NvmlEnergyMeter::stop() {
  if (!running_) throw std::logic_error("NVML energy meter stopped without a start");
  running_ = false;
  EnergyReading r;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
  r.sensor_period_s = device_.power_update_period_s();
  if (!poller_.joinable()) {
    const auto e = device_.energy_mj();
    if (!e) throw std::runtime_error("NVML energy counter stopped answering");
    r.joules = static_cast<double>(*e - counter0_) * 1e-3;
    r.provenance = Provenance::measured("nvml:total_energy_consumption");
    return r;
  }
  poller_.request_stop();
  poller_.join();
  if (auto w = device_.power_w()) samples_.push_back({now_ns(), *w});
  r.samples = samples_;
  if (r.samples.size() < 2) throw std::runtime_error("NVML returned fewer than two power samples");
  r.joules = integrate_trapezoids(r.samples);
  std::array<char, 128> src{};
  std::snprintf(src.data(), src.size(), "nvml:power_usage polled every %lld ms, sensor period %.0f ms",
                static_cast<long long>(period_.count()), r.sensor_period_s * 1e3);
  r.provenance = Provenance::measured(src.data());
  return r;
}

}  // namespace eb::gpu
