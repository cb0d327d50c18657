// The host's share of a detector's system time: an executable wrapped so that, after every
// run, the workload's host post-processing (Workload::host_postprocess: box decoding and NMS
// for detectors) runs on this host, timed with steady_clock — as an Edge TPU system runs
// TFLite_Detection_PostProcess on its CPU after the device. It runs for every backend, so a
// detector's latency means the same everywhere: it is inside the host wall time of each
// run, and, for a backend with a device time (modeled or measured on the device), it is
// also added to that device time as measured host time (DeviceTime::host_ns).
//
// Energy follows the same split: the device's modeled watts over its own part, its idle
// watts while the host post-processes.
#pragma once

#include <memory>

#include "core/backend.h"
#include "models/workload.h"

namespace eb::bench {

// `workload` and `graph` (the graph whose outputs `executable` returns) must outlive the
// result. Returns `executable` itself when the workload has no host post-processing.
std::unique_ptr<Executable> with_host_postprocess(std::unique_ptr<Executable> executable, const Workload& workload,
                                                  const Graph& graph);

}  // namespace eb::bench
