// M³ViT as the Edge-MoE accelerator runs it (see models/m3vit/README or the functions below).
#pragma once

#include <memory>
#include <vector>

#include "models/workload.h"

namespace eb::m3vit {

// The workloads "m3vit-backbone" and "m3vit".
std::vector<std::unique_ptr<Workload>> make_workloads();

}  // namespace eb::m3vit
