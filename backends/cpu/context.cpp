#include "backends/cpu/context.h"

#include <omp.h>

namespace eb::cpu {

ThreadScope::ThreadScope(int threads) : previous_(omp_get_max_threads()) {
  if (threads > 0) omp_set_num_threads(threads);
}

ThreadScope::~ThreadScope() { omp_set_num_threads(previous_); }

int default_threads() { return omp_get_num_procs(); }

}  // namespace eb::cpu
