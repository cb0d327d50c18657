// Bilinear resampling's source coordinates, one definition for every backend that
// computes them on the host: for each output index, the two source indices and the
// weight of the upper one, in the coordinate mode of ResizeAttrs (align_corners,
// half_pixel_centers, or the plain out·in/out mapping). Outside [0, in−1] the nearest
// edge sample is used (PyTorch and TensorFlow agree).
#pragma once

#include <cstdint>
#include <vector>

#include "core/ops.h"

namespace eb {

struct ResizeTap {
  std::int64_t lo = 0, hi = 0;
  double frac = 0;  // weight of hi
};

std::vector<ResizeTap> resize_taps(const ResizeAttrs& attrs, std::int64_t in, std::int64_t out);

}  // namespace eb
