#include "backends/edgetpu/runtime_probe.h"

#include <dlfcn.h>

#include <filesystem>
#include <fstream>

namespace eb::edgetpu {
namespace {

bool try_open(const std::string& name, std::string& error) {
  void* h = dlopen(name.c_str(), RTLD_LAZY | RTLD_LOCAL);
  if (!h) {
    const char* e = dlerror();
    error = e ? e : "not found";
    return false;
  }
  dlclose(h);
  return true;
}

std::string read_word(const std::filesystem::path& p) {
  std::ifstream f(p);
  std::string s;
  f >> s;
  return s;
}

std::vector<std::string> find_devices(const std::string& root) {
  namespace fs = std::filesystem;
  std::vector<std::string> found;
  std::error_code ec;
  const fs::path dev = fs::path(root.empty() ? "/" : root) / "dev";
  if (fs::is_directory(dev, ec))
    for (const auto& e : fs::directory_iterator(dev, ec))
      if (e.path().filename().string().rfind("apex_", 0) == 0) found.push_back("/dev/" + e.path().filename().string());
  const fs::path usb = fs::path(root.empty() ? "/" : root) / "sys/bus/usb/devices";
  if (fs::is_directory(usb, ec))
    for (const auto& e : fs::directory_iterator(usb, ec)) {
      const std::string vendor = read_word(e.path() / "idVendor");
      const std::string product = read_word(e.path() / "idProduct");
      // Global Unichip (1a6e) is the Accelerator before the runtime loads its firmware;
      // Google 18d1:9302 after.
      if (vendor == "1a6e" || (vendor == "18d1" && product == "9302")) found.push_back("usb " + vendor + ":" + product);
    }
  return found;
}

}  // namespace

std::string RuntimeStatus::missing() const {
  std::string s;
  const auto add = [&](const std::string& part) { s += (s.empty() ? "" : "; ") + part; };
  if (!libedgetpu) add("libedgetpu.so.1 not loadable (" + libedgetpu_error + ")");
  if (!tflite_c) add("libtensorflowlite_c.so not loadable (" + tflite_c_error + ")");
  if (devices.empty()) add("no Edge TPU device (no /dev/apex_*, no USB 1a6e or 18d1:9302)");
  return s;
}

RuntimeStatus probe_runtime_with(const std::string& libedgetpu, const std::string& tflite_c, const std::string& root) {
  RuntimeStatus s;
  s.libedgetpu = try_open(libedgetpu, s.libedgetpu_error);
  s.tflite_c = try_open(tflite_c, s.tflite_c_error);
  s.devices = find_devices(root);
  return s;
}

RuntimeStatus probe_runtime(const std::string& root) { return probe_runtime_with("libedgetpu.so.1", "libtensorflowlite_c.so", root); }

}  // namespace eb::edgetpu
