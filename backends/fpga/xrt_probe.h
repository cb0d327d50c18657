// What XRT can see from here, for probe() and the record: whether the runner was built
// and how many devices XRT enumerates (a board, or XRT's no-hardware emulation).
#pragma once

#include <string>

namespace eb::fpga {

// "XRT 2.13 runner built, 0 devices" / "XRT runner not built (no libxrt-dev)".
std::string xrt_status();

}  // namespace eb::fpga
