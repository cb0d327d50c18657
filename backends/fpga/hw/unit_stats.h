// What one invocation of a datapath unit did, counted by the kernel from its own loop
// structure as it runs: the input of the cycle model (backends/fpga/cycle_model.h).
#pragma once

#include <cstdint>

namespace eb::fpga::hw {

struct UnitStats {
  std::int64_t cycles = 0;           // iterations of the unit's pipelined (II = 1) loops: one clock each
  std::int64_t fills = 0;            // pipeline starts: each adds the unit's pipeline depth
  std::int64_t weight_bytes = 0;     // DDR → chip on the weight port
  std::int64_t act_read_bytes = 0;   // DDR → chip on the activation ports
  std::int64_t act_write_bytes = 0;  // chip → DDR on the activation ports
  std::int64_t macs = 0;             // multiply-accumulates done (padding included)
  std::int64_t wraps = 0;            // results that overflowed their format and wrapped (AP_WRAP)

  UnitStats& operator+=(const UnitStats& o) {
    cycles += o.cycles;
    fills += o.fills;
    weight_bytes += o.weight_bytes;
    act_read_bytes += o.act_read_bytes;
    act_write_bytes += o.act_write_bytes;
    macs += o.macs;
    wraps += o.wraps;
    return *this;
  }
  friend bool operator==(const UnitStats&, const UnitStats&) = default;
};

}  // namespace eb::fpga::hw
