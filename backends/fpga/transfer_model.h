// The DDR transfers between the host's buffers and the datapath's, per run (modeled).
//
// On the ZCU102 the ARM cores (PS) and the accelerator (PL) share one DDR4. Every tensor
// that enters a datapath partition — the image, or a tensor a host partition produced —
// is read from the host's buffer (f32) and written into the kernel's buffer in its
// format (Q32.10, or 8-bit pixels), and every tensor that leaves is read back and written
// as f32: bytes moved = source bytes + destination bytes. Time = bytes / bandwidth, with
// the bandwidth the board's DDR peak: 64-bit PS DDR4 at 2133 MT/s = 17.06 GB/s (Xilinx
// UG1182, ZCU102 Evaluation Board User Guide, "DDR4 SODIMM Socket"/PS DDR4 component
// memory). That is a lower bound on the time: the ARM's conversion loop, caches and
// contention with the PL's own traffic only slow it down. A tensor passed between two
// datapath partitions over a host partition is counted out of one and into the other,
// as the partitioned executable converts it both ways.
//
// Option "fpga.transfer_gbps" replaces the bandwidth (e.g. a memcpy rate measured on a
// board). Every figure from here is Provenance::modeled.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "core/backend_options.h"
#include "core/provenance.h"

namespace eb::fpga {

struct TransferModel {
  double gbps = 17.06;  // ZCU102 PS DDR4-2133, 64 bits (UG1182)
  std::string source = "ZCU102 PS DDR4-2133 x64 peak, UG1182";

  // From the fpga backend's resolved options: "fpga.transfer_gbps", "configured" when given.
  static TransferModel from(const ResolvedOptions& options);
  double ns(std::int64_t bytes) const { return static_cast<double>(bytes) / gbps; }  // bytes / (GB/s) = ns
  // "zcu102-ddr-transfer(17.06GB/s: ZCU102 PS DDR4-2133 x64 peak, UG1182; host<->kernel buffer conversion, lower bound)"
  std::string describe() const;
  Provenance provenance() const { return Provenance::modeled(describe()); }
};

}  // namespace eb::fpga
