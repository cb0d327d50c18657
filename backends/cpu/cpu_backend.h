// The "cpu" backend: every operator of core/ops.h through oneDNN primitives on the host
// CPU (see backends/cpu/README.md for the design and the numbers).
//
// compile() lowers the whole graph once: primitives are created, weights reordered into
// the layouts oneDNN picked, and every intermediate buffer planned into one arena; a run
// only executes. CompileOptions: `threads` (0: all cores), `precision` (fp32 by default;
// the effective precision and the reason are in Executable::info()).
#pragma once

#include <memory>

#include "core/backend.h"

namespace eb {

std::unique_ptr<Backend> make_cpu_backend();

}  // namespace eb
