#include <cstdlib>

#include "bench/datasets/npy.h"
#include "fuzz/targets.h"

namespace eb::fuzz {

// A depth map in NumPy's .npy format: an accepted array has as many values as its shape says.
void npy_array(Bytes input) {
  const bench::NpyArray a = bench::parse_npy(input, "fuzz.npy");
  std::int64_t n = 1;
  for (const auto d : a.shape) {
    if (d < 0) std::abort();
    n *= d;
  }
  if (static_cast<std::size_t>(n) != a.values.size()) std::abort();
}

}  // namespace eb::fuzz
