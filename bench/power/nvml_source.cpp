#include "bench/power/nvml_source.h"

#include <dlfcn.h>

#include <memory>

namespace eb::bench {
namespace {

// The few NVML declarations used, written out here so that nvml.h is not needed to build.
// They follow NVML's C ABI: return codes are an int enum with 0 = success, a device is an
// opaque pointer.
using nvmlReturn_t = int;
using nvmlDevice_t = struct nvmlDevice_st*;
constexpr nvmlReturn_t kNvmlSuccess = 0;
using InitFn = nvmlReturn_t (*)();
using ShutdownFn = nvmlReturn_t (*)();
using ErrorStringFn = const char* (*)(nvmlReturn_t);
using GetCountFn = nvmlReturn_t (*)(unsigned int*);
using GetHandleFn = nvmlReturn_t (*)(unsigned int, nvmlDevice_t*);
using GetStringFn = nvmlReturn_t (*)(nvmlDevice_t, char*, unsigned int);
using SystemStringFn = nvmlReturn_t (*)(char*, unsigned int);
using GetEnergyFn = nvmlReturn_t (*)(nvmlDevice_t, unsigned long long*);
using GetPowerFn = nvmlReturn_t (*)(nvmlDevice_t, unsigned int*);

// The loaded library, initialised; shut down and unloaded when the last channel using it
// goes away.
class NvmlLibrary {
  struct Key {};  // only load() can construct one

 public:
  NvmlLibrary(Key, void* handle) : handle_(handle) {}

  // nullptr with `why` when the library or a required symbol is missing or init fails.
  static std::shared_ptr<NvmlLibrary> load(const std::string& soname, std::string& why) {
    void* handle = ::dlopen(soname.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char* err = ::dlerror();
      why = "cannot load " + soname + " (no NVIDIA driver here): " + (err ? err : "unknown error");
      return nullptr;
    }
    auto lib = std::make_shared<NvmlLibrary>(Key{}, handle);
    if (!lib->bind(why)) return nullptr;
    const nvmlReturn_t rc = lib->init_();
    if (rc != kNvmlSuccess) {
      why = "nvmlInit_v2 failed: " + lib->error(rc);
      return nullptr;
    }
    lib->initialised_ = true;
    return lib;
  }

  NvmlLibrary(const NvmlLibrary&) = delete;
  NvmlLibrary& operator=(const NvmlLibrary&) = delete;
  ~NvmlLibrary() {
    if (initialised_) shutdown_();
    ::dlclose(handle_);
  }

  std::string error(nvmlReturn_t rc) const {
    const char* s = error_string_ ? error_string_(rc) : nullptr;
    return s ? std::string(s) : "NVML error " + std::to_string(rc);
  }

  GetCountFn count = nullptr;
  GetHandleFn handle_by_index = nullptr;
  GetStringFn name = nullptr;
  GetStringFn uuid = nullptr;
  SystemStringFn driver_version = nullptr;
  GetEnergyFn total_energy = nullptr;  // may be absent in old drivers
  GetPowerFn power_usage = nullptr;

 private:
  template <class Fn>
  bool symbol(const char* name, Fn& fn, bool required, std::string& why) {
    fn = reinterpret_cast<Fn>(::dlsym(handle_, name));
    if (!fn && required) why = std::string("NVML has no ") + name + " (driver too old)";
    return fn || !required;
  }

  bool bind(std::string& why) {
    return symbol("nvmlInit_v2", init_, true, why) && symbol("nvmlShutdown", shutdown_, true, why) &&
           symbol("nvmlErrorString", error_string_, false, why) &&
           symbol("nvmlDeviceGetCount_v2", count, true, why) &&
           symbol("nvmlDeviceGetHandleByIndex_v2", handle_by_index, true, why) &&
           symbol("nvmlDeviceGetName", name, false, why) && symbol("nvmlDeviceGetUUID", uuid, false, why) &&
           symbol("nvmlSystemGetDriverVersion", driver_version, false, why) &&
           symbol("nvmlDeviceGetTotalEnergyConsumption", total_energy, false, why) &&
           symbol("nvmlDeviceGetPowerUsage", power_usage, true, why);
  }

  void* handle_;
  bool initialised_ = false;
  InitFn init_ = nullptr;
  ShutdownFn shutdown_ = nullptr;
  ErrorStringFn error_string_ = nullptr;
};

class NvmlSource final : public PowerSource {
 public:
  NvmlSource(PowerSourceInfo info, std::shared_ptr<NvmlLibrary> lib, nvmlDevice_t device)
      : PowerSource(std::move(info)), lib_(std::move(lib)), device_(device) {}
  PowerReading read() override {
    if (info().kind == PowerKind::counter) {
      unsigned long long mj = 0;
      const nvmlReturn_t rc = lib_->total_energy(device_, &mj);
      if (rc != kNvmlSuccess) return PowerReading::failed("nvmlDeviceGetTotalEnergyConsumption: " + lib_->error(rc));
      return {static_cast<double>(mj) * 1e-3, {}};
    }
    unsigned int mw = 0;
    const nvmlReturn_t rc = lib_->power_usage(device_, &mw);
    if (rc != kNvmlSuccess) return PowerReading::failed("nvmlDeviceGetPowerUsage: " + lib_->error(rc));
    return {static_cast<double>(mw) * 1e-3, {}};
  }

 private:
  std::shared_ptr<NvmlLibrary> lib_;
  nvmlDevice_t device_;
};

std::string query_string(GetStringFn fn, nvmlDevice_t device) {
  char buf[128] = {};
  if (!fn || fn(device, buf, sizeof buf) != kNvmlSuccess) return "";
  return buf;
}

}  // namespace

PowerDiscovery discover_nvml(const NvmlOptions& options) {
  PowerDiscovery out;
  std::string why;
  auto lib = NvmlLibrary::load(options.library, why);
  if (!lib) {
    out.unavailable.push_back({"nvml", why});
    return out;
  }
  unsigned int count = 0;
  if (const nvmlReturn_t rc = lib->count(&count); rc != kNvmlSuccess) {
    out.unavailable.push_back({"nvml", "nvmlDeviceGetCount_v2 failed: " + lib->error(rc)});
    return out;
  }
  if (count == 0) {
    out.unavailable.push_back({"nvml", "NVML found no GPU"});
    return out;
  }
  std::string driver;
  if (lib->driver_version) {
    char buf[96] = {};
    if (lib->driver_version(buf, sizeof buf) == kNvmlSuccess) driver = buf;
  }
  for (unsigned int i = 0; i < count; ++i) {
    const std::string name = "nvml:" + std::to_string(i);
    nvmlDevice_t device = nullptr;
    if (const nvmlReturn_t rc = lib->handle_by_index(i, &device); rc != kNvmlSuccess) {
      out.unavailable.push_back({name, "nvmlDeviceGetHandleByIndex_v2 failed: " + lib->error(rc)});
      continue;
    }
    PowerSourceInfo info;
    info.name = name;
    nlohmann::json params{{"index", i},
                          {"device", query_string(lib->name, device)},
                          {"uuid", query_string(lib->uuid, device)},
                          {"driver", driver}};
    unsigned long long mj = 0;
    unsigned int mw = 0;
    nvmlReturn_t rc = -1;
    if (lib->total_energy && (rc = lib->total_energy(device, &mj)) == kNvmlSuccess) {
      info.kind = PowerKind::counter;
      params["reading"] = "nvmlDeviceGetTotalEnergyConsumption (mJ)";
    } else if (const nvmlReturn_t prc = lib->power_usage(device, &mw); prc == kNvmlSuccess) {
      info.kind = PowerKind::power;
      params["reading"] = "nvmlDeviceGetPowerUsage (mW)";
      params["energy_counter"] = lib->total_energy ? "unsupported: " + lib->error(rc) : "not in this driver";
    } else {
      out.unavailable.push_back({name, "neither energy nor power readable: " + lib->error(prc)});
      continue;
    }
    info.provenance = PowerProvenance::measured(name, std::move(params));
    info.in_total = true;
    out.sources.push_back(std::make_unique<NvmlSource>(std::move(info), lib, device));
  }
  return out;
}

}  // namespace eb::bench
