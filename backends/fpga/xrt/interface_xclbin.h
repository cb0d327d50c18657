// A minimal xclbin that describes the Edge-MoE kernel's interface and nothing else (no
// bitstream): the axlf header of XRT's xclbin.h followed by MEM_TOPOLOGY (one DDR bank),
// IP_LAYOUT (one IP_KERNEL "ViT_compute:ViT_compute_1" at the ZCU102 address 0xA0000000),
// CONNECTIVITY (every buffer argument to the bank) and EMBEDDED_METADATA (XML declaring the
// kernel's arguments with their register offsets and AXI ports, kernel_abi.h).
//
// XRT's no-hardware mode (XCL_EMULATION_MODE=noop) loads it, so the whole host path —
// device, xclbin, kernel, buffer objects by group id, register map, start and wait — runs
// here without a board (no compute is done). Debian's xclbinutil wrapper does not work, so
// edgebench writes the file itself. Not for a real board: that needs the bitstream's xclbin.
#pragma once

#include <string>
#include <vector>

namespace eb::fpga {

std::vector<char> make_interface_xclbin();

// Writes make_interface_xclbin() to `path`; throws std::runtime_error on I/O failure.
void write_interface_xclbin(const std::string& path);

}  // namespace eb::fpga
