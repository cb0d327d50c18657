#include "backends/gpu/run_profile.h"

namespace eb::gpu {

std::vector<NodeProfile> run_profile(double h2d_ns, double compute_ns, double d2h_ns, std::span<const StepTime> steps,
                                     const Provenance& provenance) {
  std::vector<NodeProfile> p;
  p.reserve(steps.size() + 3);
  p.push_back({"h2d", "gpu:transfer", h2d_ns, provenance});
  if (steps.empty())
    p.push_back({"compute", "gpu:compute", compute_ns, provenance});
  else
    for (const StepTime& s : steps) p.push_back({s.node, s.op, s.ns, provenance});
  p.push_back({"d2h", "gpu:transfer", d2h_ns, provenance});
  return p;
}

}  // namespace eb::gpu
