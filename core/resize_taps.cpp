#include "core/resize_taps.h"

#include <algorithm>
#include <cmath>

namespace eb {

std::vector<ResizeTap> resize_taps(const ResizeAttrs& a, std::int64_t in, std::int64_t out) {
  std::vector<ResizeTap> t(static_cast<std::size_t>(out));
  for (std::int64_t o = 0; o < out; ++o) {
    double src;
    if (a.align_corners)
      src = out > 1 ? static_cast<double>(o) * static_cast<double>(in - 1) / static_cast<double>(out - 1) : 0.0;
    else if (a.half_pixel_centers)
      src = (static_cast<double>(o) + 0.5) * static_cast<double>(in) / static_cast<double>(out) - 0.5;
    else
      src = static_cast<double>(o) * static_cast<double>(in) / static_cast<double>(out);
    src = std::clamp(src, 0.0, static_cast<double>(in - 1));
    const auto lo = static_cast<std::int64_t>(std::floor(src));
    t[static_cast<std::size_t>(o)] = {lo, std::min(lo + 1, in - 1), src - static_cast<double>(lo)};
  }
  return t;
}

}  // namespace eb
