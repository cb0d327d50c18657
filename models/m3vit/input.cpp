#include "models/m3vit/input.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "core/rng.h"

namespace eb::m3vit {
namespace {

constexpr std::array<float, 3> kMean = {0.485f, 0.456f, 0.406f};
constexpr std::array<float, 3> kStd = {0.229f, 0.224f, 0.225f};
constexpr int kBlobs = 10;
constexpr float kNoise = 0.03f;  // ± per pixel, before 8-bit quantisation

struct Blob {
  double cy, cx, r2;             // centre (pixels) and squared radius
  std::array<double, 3> colour;  // signed offset from the background at the centre
};

}  // namespace

Tensor synthetic_image(std::int64_t batch, std::uint64_t seed, const Config& c) {
  const std::int64_t H = c.image_h, W = c.image_w, plane = H * W;
  Tensor t(DType::f32, {batch, 3, H, W});
  auto px = t.data<float>();
  for (std::int64_t b = 0; b < batch; ++b) {
    Rng rng(derive_seed(seed, "image:" + std::to_string(b)));
    // A gentle colour gradient in each direction and soft blobs of colour.
    std::array<double, 3> gy{}, gx{};
    for (int ch = 0; ch < 3; ++ch) {
      gy[ch] = rng.uniform(-0.3f, 0.3f);
      gx[ch] = rng.uniform(-0.3f, 0.3f);
    }
    std::vector<Blob> blobs;
    for (int i = 0; i < kBlobs; ++i) {
      Blob bl{};
      bl.cy = rng.uniform(0.0f, static_cast<float>(H));
      bl.cx = rng.uniform(0.0f, static_cast<float>(W));
      const double r = rng.uniform(6.0f, 40.0f);
      bl.r2 = r * r;
      for (auto& col : bl.colour) col = rng.uniform(-0.45f, 0.45f);
      blobs.push_back(bl);
    }
    // The scene in double, as offsets from the mean colour.
    std::vector<double> scene(static_cast<std::size_t>(3 * plane));
    for (std::int64_t y = 0; y < H; ++y)
      for (std::int64_t x = 0; x < W; ++x) {
        const double fy = static_cast<double>(y) / static_cast<double>(H - 1) - 0.5;
        const double fx = static_cast<double>(x) / static_cast<double>(W - 1) - 0.5;
        std::array<double, 3> v{};
        for (int ch = 0; ch < 3; ++ch) v[ch] = gy[ch] * fy + gx[ch] * fx;
        for (const Blob& bl : blobs) {
          const double dy = static_cast<double>(y) - bl.cy, dx = static_cast<double>(x) - bl.cx;
          const double w = bl.r2 / (bl.r2 + dy * dy + dx * dx);  // 1 at the centre, ½ at radius r
          for (int ch = 0; ch < 3; ++ch) v[ch] += w * bl.colour[ch];
        }
        for (int ch = 0; ch < 3; ++ch) scene[static_cast<std::size_t>(ch * plane + y * W + x)] = v[ch];
      }
    // Each channel's average is set to the ImageNet mean (a typical photograph's is close
    // to it), so the normalised image is zero-mean and no colour cast is common to all
    // patch tokens; then noise, 8-bit quantisation and normalisation.
    for (int ch = 0; ch < 3; ++ch) {
      const auto first = scene.begin() + ch * plane;
      double sum = 0;
      for (auto it = first; it != first + plane; ++it) sum += *it;
      const double shift = kMean[ch] - sum / static_cast<double>(plane);
      for (std::int64_t i = 0; i < plane; ++i) {
        const double noisy = first[i] + shift + rng.uniform(-kNoise, kNoise);
        const auto level = static_cast<std::int64_t>(std::floor(std::clamp(noisy, 0.0, 1.0) * 255.0 + 0.5));
        const float pixel = static_cast<float>(level) / 255.0f;
        px[static_cast<std::size_t>((b * 3 + ch) * plane + i)] = (pixel - kMean[ch]) / kStd[ch];
      }
    }
  }
  return t;
}

}  // namespace eb::m3vit
