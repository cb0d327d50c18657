// The host's share of a device's system time: an executable wrapped so that, after every
// run that has a device time, the workload's host post-processing (Workload::
// host_postprocess: box decoding and NMS for detectors) runs on this host, is timed with
// steady_clock, and is added to the device time as measured host time (DeviceTime::host_ns)
// — as an Edge TPU system runs TFLite_Detection_PostProcess on its CPU after the device.
// Backends timed by the host clock alone (no device time) are left as they are: their
// latency is the model's, and post-processing is not run.
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
