// The "edgetpu" backend: a Coral Edge TPU. Graphs are quantised to int8 as TFLite's
// full-integer post-training quantisation does, cut where the Edge TPU compiler would cut
// them (support.h: everything from the first unmappable op on runs on the host through
// the partitioner's reference fallback), and run here as an integer simulation with
// TFLite's arithmetic, timed and powered by the Edge TPU model (timing_model.h).
// probe() looks for libedgetpu, the TFLite C library and a device at run time (dlopen);
// running on a real Edge TPU is not implemented, so the simulation runs in every case
// and probe/description say which parts of a real set-up are missing.
#pragma once

#include <memory>

#include "core/backend.h"

namespace eb::edgetpu {

std::unique_ptr<Backend> make_edgetpu_backend();

}  // namespace eb::edgetpu

namespace eb {
using edgetpu::make_edgetpu_backend;
}  // namespace eb
