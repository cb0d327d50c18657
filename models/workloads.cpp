// The one list of workloads in this build.
#include "models/m3vit/m3vit.h"
#include "models/mobiledet/mobiledet.h"
#include "models/mobilenet/mobilenet.h"
#include "models/workload.h"

namespace eb {

WorkloadRegistry make_workload_registry() {
  WorkloadRegistry r;
  for (auto& w : m3vit::make_workloads()) r.add(std::move(w));
  for (auto& w : mobiledet::make_workloads()) r.add(std::move(w));
  for (auto& w : mobilenet::make_workloads()) r.add(std::move(w));
  return r;
}

}  // namespace eb
