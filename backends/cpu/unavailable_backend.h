// What `edgebench list` shows as "cpu" in a build without oneDNN: a backend that is never
// available and says why, so that `--backend cpu` fails with the cause ("oneDNN was not
// found when this build was configured") instead of "unknown backend". It needs nothing
// from oneDNN; backends/registry.cpp registers it only when the real one was not built.
#pragma once

#include <memory>

#include "core/backend.h"

namespace eb {

std::unique_ptr<Backend> make_cpu_unavailable_backend();

}  // namespace eb
