#include "backends/fpga/transfer_model.h"

#include <cstdio>
#include <stdexcept>

namespace eb::fpga {

TransferModel TransferModel::from_options(const std::map<std::string, std::string>& extra) {
  TransferModel m;
  const auto it = extra.find("fpga.transfer_gbps");
  if (it == extra.end()) return m;
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(it->second, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != it->second.size() || !(v > 0))
    throw std::invalid_argument("fpga: option fpga.transfer_gbps=" + it->second + " is not a positive number");
  m.gbps = v;
  m.source = "configured";
  return m;
}

std::string TransferModel::describe() const {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", gbps);
  return "zcu102-ddr-transfer(" + std::string(buf) + "GB/s: " + source +
         "; host<->kernel buffer conversion at the DDR's rate, a lower bound)";
}

}  // namespace eb::fpga
