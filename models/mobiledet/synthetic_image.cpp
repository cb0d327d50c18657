#include "models/mobiledet/synthetic_image.h"

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "core/rng.h"

namespace eb::mobiledet {
namespace {

using Rgb = std::array<std::int64_t, 3>;

Rgb random_colour(Rng& rng) {
  return {static_cast<std::int64_t>(rng.below(256)), static_cast<std::int64_t>(rng.below(256)),
          static_cast<std::int64_t>(rng.below(256))};
}

struct Shape2d {
  bool ellipse;
  std::int64_t cy, cx, ry, rx;  // centre and half-extents in pixels
  Rgb colour;

  bool covers(std::int64_t y, std::int64_t x) const {
    const std::int64_t dy = y - cy, dx = x - cx;
    if (!ellipse) return dy >= -ry && dy <= ry && dx >= -rx && dx <= rx;
    return dy * dy * rx * rx + dx * dx * ry * ry <= rx * rx * ry * ry;
  }
};

}  // namespace

Tensor synthetic_image(std::int64_t batch, std::int64_t height, std::int64_t width, std::uint64_t seed) {
  constexpr int kShapes = 6;
  Tensor t(DType::f32, {batch, 3, height, width});
  auto px = t.data<float>();
  const std::int64_t plane = height * width;
  for (std::int64_t b = 0; b < batch; ++b) {
    Rng rng(derive_seed(seed, "image:" + std::to_string(b)));
    const Rgb top = random_colour(rng), bottom = random_colour(rng);
    std::vector<Shape2d> shapes;
    const std::int64_t min_side = std::min(height, width);
    for (int i = 0; i < kShapes; ++i) {
      const bool ellipse = rng.below(2) == 1;
      const auto cy = static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(height)));
      const auto cx = static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(width)));
      const std::int64_t ry = 4 + static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(min_side / 4)));
      const std::int64_t rx = 4 + static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(min_side / 4)));
      shapes.push_back({ellipse, cy, cx, ry, rx, random_colour(rng)});
    }
    for (std::int64_t y = 0; y < height; ++y) {
      for (std::int64_t x = 0; x < width; ++x) {
        Rgb p;
        for (int c = 0; c < 3; ++c) p[c] = top[c] + (bottom[c] - top[c]) * y / std::max<std::int64_t>(height - 1, 1);
        for (const auto& s : shapes)  // later shapes are drawn over earlier ones
          if (s.covers(y, x)) p = s.colour;
        for (int c = 0; c < 3; ++c) {
          const std::int64_t noisy = std::clamp<std::int64_t>(p[c] + static_cast<std::int64_t>(rng.below(17)) - 8, 0, 255);
          px[static_cast<std::size_t>((b * 3 + c) * plane + y * width + x)] =
              static_cast<float>(2 * noisy - 255) / 255.0f;
        }
      }
    }
  }
  return t;
}

}  // namespace eb::mobiledet
