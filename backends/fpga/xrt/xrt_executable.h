// The fpga backend's executable when CompileOptions::extra["fpga.xclbin"] names an xclbin:
// the M³ViT backbone run by the Edge-MoE kernel through XRT (runner.h) instead of the C
// simulation. The kernel is the whole backbone, so the graph must be exactly that (image
// [N,3,128,256] → block 11's tokens [N,129,192]); inputs must be 8-bit images under the
// pixel normalisation. On hardware the device time is measured (start → wait); under XRT's
// no-hardware mode nothing computes, there is no device time, and info() says so.
#pragma once

#include <memory>

#include "core/backend.h"

namespace eb::fpga {

// Throws std::invalid_argument for a graph the kernel does not implement and
// std::runtime_error when XRT cannot open the device, xclbin or kernel.
std::unique_ptr<Executable> make_xrt_executable(const Graph& graph, const Weights& weights, const ResolvedOptions& settings);

}  // namespace eb::fpga
