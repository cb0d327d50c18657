#include "models/workload.h"

#include <stdexcept>

namespace eb {

void WorkloadRegistry::add(std::unique_ptr<Workload> w) {
  for (const auto& x : workloads_)
    if (x->name() == w->name()) throw std::logic_error("workload '" + std::string(w->name()) + "' registered twice");
  workloads_.push_back(std::move(w));
}

const Workload& WorkloadRegistry::get(std::string_view name) const {
  for (const auto& w : workloads_)
    if (w->name() == name) return *w;
  std::string known;
  for (const auto& w : workloads_) known += (known.empty() ? "" : ", ") + std::string(w->name());
  throw std::invalid_argument("unknown model '" + std::string(name) + "' (known: " + known + ")");
}

std::vector<const Workload*> WorkloadRegistry::all() const {
  std::vector<const Workload*> out;
  for (const auto& w : workloads_) out.push_back(w.get());
  return out;
}

}  // namespace eb
