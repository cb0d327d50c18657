#include "backends/fpga/xrt_probe.h"

#ifdef EB_FPGA_HAVE_XRT
#include <exception>

#include <experimental/xrt_system.h>
#include <version.h>
#endif

namespace eb::fpga {

std::string xrt_status() {
#ifdef EB_FPGA_HAVE_XRT
  std::string s = "XRT " + std::string(xrt_build_version) + " runner built, ";
  try {
    const unsigned n = xrt::system::enumerate_devices();
    return s + std::to_string(n) + (n == 1 ? " device" : " devices");
  } catch (const std::exception& e) {
    return s + "no device found (" + std::string(e.what()) + ")";
  }
#else
  return "XRT runner not built: install libxrt-dev";
#endif
}

}  // namespace eb::fpga
