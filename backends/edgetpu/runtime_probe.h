// What of a real Edge TPU set-up is present here, found at run time with no build
// dependency: libedgetpu (the Edge TPU runtime and delegate, "libedgetpu.so.1"), the
// TensorFlow Lite C library ("libtensorflowlite_c.so"), and an Edge TPU device (a PCIe
// Edge TPU's /dev/apex_N, or a USB Accelerator: USB vendor 1a6e before its firmware is
// loaded, 18d1:9302 after).
#pragma once

#include <string>
#include <vector>

namespace eb::edgetpu {

struct RuntimeStatus {
  bool libedgetpu = false;
  bool tflite_c = false;
  std::vector<std::string> devices;  // "/dev/apex_0", "usb 1a6e:089a", ...
  std::string libedgetpu_error;      // dlerror() text when not found
  std::string tflite_c_error;

  bool complete() const { return libedgetpu && tflite_c && !devices.empty(); }
  // What is missing, in one line, or "" when everything is present.
  std::string missing() const;
};

// Looks now (dlopen with RTLD_LAZY, then dlclose; a scan of /dev and /sys/bus/usb).
// `root` prefixes the /dev and /sys paths (tests point it at a fake tree).
RuntimeStatus probe_runtime(const std::string& root = "");

// The same with explicit library names (tests pass names that cannot exist).
RuntimeStatus probe_runtime_with(const std::string& libedgetpu, const std::string& tflite_c, const std::string& root);

}  // namespace eb::edgetpu
