// The "fpga" backend: M³ViT's backbone (and any graph of the operators lower.h lists) on
// the Edge-MoE datapath (Sarkar et al., ICCAD 2023). Here it runs as the datapath's
// bit-accurate C simulation, with time and power from the board's cycle and power models
// (ZCU102 at 300 MHz by default); nodes the datapath does not run — the task heads'
// convolutions — fall back to the host through the partitioner, which reports the split.
// With XRT and a board, xrt/runner.h drives the same kernel through its register map.
#pragma once

#include <memory>

#include "core/backend.h"

namespace eb::fpga {

std::unique_ptr<Backend> make_fpga_backend();

}  // namespace eb::fpga

namespace eb {
using fpga::make_fpga_backend;
}  // namespace eb
