// The profile of one gpu run (executable.h), built from its CUDA-event times. Entries
// never overlap, so their sum is the run's device time: the rule of
// Executable::last_profile (core/backend.h) that the harness's shares (bench/runner.h,
// profile_nodes) and the partitioner (core/partition.cpp) rely on.
//   profiling off: "h2d", "compute", "d2h" (op "gpu:transfer" / "gpu:compute")
//   profiling on:  "h2d", one entry per step (op: the step's), "d2h" — the steps stand
//                  in for "compute", which is then their sum and is not listed as well
// Plain C++ (no CUDA), so that the rule is tested on machines without a GPU.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "core/backend.h"

namespace eb::gpu {

struct StepTime {
  std::string node;
  std::string op;
  double ns = 0;
};

std::vector<NodeProfile> run_profile(double h2d_ns, double compute_ns, double d2h_ns, std::span<const StepTime> steps,
                                     const Provenance& provenance);

}  // namespace eb::gpu
