#include "backends/cpu/context.h"

#include <omp.h>

#include <cstdlib>

namespace eb::cpu {

ThreadScope::ThreadScope(int threads) : previous_(omp_get_max_threads()) {
  if (threads > 0) omp_set_num_threads(threads);
}

ThreadScope::~ThreadScope() { omp_set_num_threads(previous_); }

int default_threads() { return omp_get_num_procs(); }

std::string openmp_wait_policy() {
  // libgomp: OMP_WAIT_POLICY decides when set; GOMP_SPINCOUNT only when it is not.
  if (const char* p = std::getenv("OMP_WAIT_POLICY"); p != nullptr && *p != '\0') {
    // edgebench's own choice on a busy host says why (cli/openmp_defaults.h).
    const char* why = std::getenv("EDGEBENCH_OPENMP_CHOICE");
    return why != nullptr && *why != '\0' ? std::string(p) + " (" + why + ")" : std::string(p);
  }
  if (const char* n = std::getenv("GOMP_SPINCOUNT"); n != nullptr && *n != '\0') return std::string("spin count ") + n;
  return "runtime default";
}

}  // namespace eb::cpu
