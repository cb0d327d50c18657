// The backend that runs a graph's fallback partitions (the nodes the chosen backend does
// not take) on this host: the cpu backend (oneDNN) when it takes the whole partition at
// fp32, else the reference kernels. The reference backend stays the accuracy oracle; this
// only chooses where the host's share of a partitioned run executes, so that the host
// part of a system time is an optimised library's time rather than plain loops'.
//
// The cpu backend is used only when the device's precision is fp32 or fixed (the
// partitions then exchange f32 tensors, which is what the reference computes with too);
// for int8 and the half-precision formats the reference keeps the fallback, as before.
// Each executable it returns names the backend that compiled it under
// kHostBackendInfoKey (core/partition.h), which the partitioned executable uses in its
// host-stage text and the record shows.
#pragma once

#include <memory>

#include "core/backend.h"
#include "core/registry.h"

namespace eb::bench {

// The fallback for a run: cpu (when built and available) before the reference.
std::shared_ptr<const Backend> make_host_fallback(const BackendRegistry& backends);

}  // namespace eb::bench
