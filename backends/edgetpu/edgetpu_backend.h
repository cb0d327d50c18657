// The "edgetpu" backend: a Coral Edge TPU. Graphs are quantised to int8 as TFLite's
// full-integer post-training quantisation does, cut where the Edge TPU compiler would cut
// them (support.h: everything from the first unmappable op on runs on the host through
// the partitioner's reference fallback), and run here as an integer simulation with
// TFLite's arithmetic, timed and powered by the Edge TPU model (timing_model.h).
// probe() looks for libedgetpu, the TFLite C library and a device at run time (dlopen) and
// says which parts of a real set-up are missing.
//
// With the backend option edgetpu.model=FILE (an Edge-TPU-compiled .tflite) the graph runs
// on a real Edge TPU instead (device_executable.h, device_runner.h: the TFLite C API and
// the Edge TPU delegate by dlopen, invoke timed with steady_clock), or compile fails with
// the probe's reason; it never falls back to the simulation. Further options:
// edgetpu.device=N (libedgetpu's device list), edgetpu.libtflite / edgetpu.libedgetpu
// (library paths). Tested here only against fake libraries (tests/edgetpu/fakes/),
// which check our call sequence, conversions and errors; that it drives the real
// libedgetpu and TFLite correctly, and every timing, needs a Coral device.
#pragma once

#include <memory>

#include "core/backend.h"

namespace eb::edgetpu {

std::unique_ptr<Backend> make_edgetpu_backend();

}  // namespace eb::edgetpu

namespace eb {
using edgetpu::make_edgetpu_backend;
}  // namespace eb
