#include "backends/fpga/transfer_model.h"

#include <cstdio>
#include <stdexcept>

namespace eb::fpga {

TransferModel TransferModel::from(const ResolvedOptions& options) {
  TransferModel m;
  m.gbps = options.get_double("fpga.transfer_gbps");
  if (options.given("fpga.transfer_gbps")) m.source = "configured";
  return m;
}

std::string TransferModel::describe() const {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", gbps);
  return "zcu102-ddr-transfer(" + std::string(buf) + "GB/s: " + source +
         "; host<->kernel buffer conversion at the DDR's rate, a lower bound)";
}

}  // namespace eb::fpga
