#include "bench/datasets/synthetic_dense.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "bench/datasets/file_bytes.h"
#include "bench/datasets/npy.h"
#include "core/rng.h"

namespace eb::bench {
namespace {

void check(const DenseDatasetOptions& o) {
  if (o.images < 0 || o.width < 8 || o.height < 8 || o.num_classes < 1 || o.ignore_index < 0 || o.ignore_index > 65535 ||
      !(o.depth_scale > 0))
    throw std::invalid_argument("synthetic dense data set: images >= 0, width and height >= 8, num_classes >= 1, ignore_index "
                                "in 0..65535 and a positive depth_scale are required");
  if (o.ignore_index < o.num_classes)
    throw std::invalid_argument("synthetic dense data set: ignore_index " + std::to_string(o.ignore_index) + " is also a class (0.." +
                                std::to_string(o.num_classes - 1) + ")");
}

std::string sample_name(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d", i);
  return buf;
}

}  // namespace

DenseSampleData make_dense_sample(const DenseDatasetOptions& o, int index) {
  check(o);
  Rng rng(derive_seed(o.seed, "dense-sample:" + std::to_string(index)));
  const int W = o.width, H = o.height;
  DenseSampleData s;
  s.image = RgbImage(W, H);
  s.label = GrayImage(W, H, o.ignore_index > 255 || o.num_classes > 256 ? 16 : 8);
  s.depth = DepthMap(W, H);
  // The floor: class 0, from 10 m at the top row to 2 m at the bottom.
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x) {
      s.label.at(x, y) = 0;
      s.depth.at(x, y) = static_cast<float>(10.0 - 8.0 * y / (H - 1));
    }
  const int objects = o.num_classes > 1 ? 1 + static_cast<int>(rng.below(4)) : 0;
  for (int n = 0; n < objects; ++n) {
    const int cls = 1 + static_cast<int>(rng.below(static_cast<std::uint64_t>(o.num_classes - 1)));
    const int w = std::max(4, static_cast<int>(W * (0.1 + 0.3 * rng.uniform01())));
    const int h = std::max(4, static_cast<int>(H * (0.15 + 0.4 * rng.uniform01())));
    const int x0 = static_cast<int>(rng.below(static_cast<std::uint64_t>(W - w + 1)));
    const int y0 = static_cast<int>(rng.below(static_cast<std::uint64_t>(H - h + 1)));
    // Standing on the floor at its bottom edge, a little in front of it.
    const float depth = s.depth.at(0, std::min(H - 1, y0 + h - 1)) * 0.9f;
    const bool ellipse = rng.below(2) == 1;
    for (int y = y0; y < y0 + h; ++y)
      for (int x = x0; x < x0 + w; ++x) {
        const double u = (x + 0.5 - x0 - w / 2.0) / (w / 2.0), v = (y + 0.5 - y0 - h / 2.0) / (h / 2.0);
        const double r = ellipse ? u * u + v * v : std::max(u * u, v * v);
        if (r > 1) continue;
        // The outer rim of each object is left unlabelled, as annotators leave boundaries.
        s.label.at(x, y) = static_cast<std::uint16_t>(r > 0.8 ? o.ignore_index : cls);
        s.depth.at(x, y) = depth;
      }
  }
  // Picture: class colour shaded by depth, with a little noise; then depth holes.
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x) {
      const int label = s.label.at(x, y);
      const int cls = label == o.ignore_index ? 0 : label;
      const double shade = 1.2 - s.depth.at(x, y) / 10.0;
      const int base[3] = {40 + 53 * cls % 200, 60 + 97 * cls % 180, 80 + 151 * cls % 160};
      for (int c = 0; c < 3; ++c) {
        const int noise = static_cast<int>(rng.below(9)) - 4;
        s.image.at(x, y, c) = static_cast<std::uint8_t>(std::clamp(static_cast<int>(base[c] * shade) + noise, 0, 255));
      }
    }
  for (int k = 0, holes = static_cast<int>(rng.below(3)); k < holes; ++k) {
    const int x0 = static_cast<int>(rng.below(static_cast<std::uint64_t>(W - 3))), y0 = static_cast<int>(rng.below(static_cast<std::uint64_t>(H - 3)));
    for (int y = y0; y < std::min(H, y0 + 4); ++y)
      for (int x = x0; x < std::min(W, x0 + 6); ++x) s.depth.at(x, y) = 0;
  }
  // Quantise as the stored format will, so that reading back gives exactly this map.
  for (float& d : s.depth.metres) {
    if (o.depth_format == DepthFormat::png16) d = static_cast<float>(std::min(65535.0, std::round(d * o.depth_scale)) / o.depth_scale);
  }
  return s;
}

void write_dense_dataset(const std::filesystem::path& root, const DenseDatasetOptions& o) {
  check(o);
  namespace fs = std::filesystem;
  fs::create_directories(root / "images");
  if (o.labels) fs::create_directories(root / "labels");
  if (o.depth) fs::create_directories(root / "depth");
  for (int i = 0; i < o.images; ++i) {
    const DenseSampleData s = make_dense_sample(o, i);
    const std::string name = sample_name(i);
    if (o.image_format == ImageFormat::jpeg) write_jpeg(root / "images" / (name + ".jpg"), s.image, o.jpeg_quality);
    else write_png(root / "images" / (name + ".png"), s.image);
    if (o.labels) write_png(root / "labels" / (name + ".png"), s.label);
    if (!o.depth) continue;
    if (o.depth_format == DepthFormat::npy) {
      const std::int64_t shape[2] = {o.height, o.width};
      write_npy(root / "depth" / (name + ".npy"), shape, s.depth.metres);
    } else {
      GrayImage codes(o.width, o.height, 16);
      for (std::size_t p = 0; p < codes.values.size(); ++p)
        codes.values[p] = static_cast<std::uint16_t>(std::lround(s.depth.metres[p] * o.depth_scale));
      write_png(root / "depth" / (name + ".png"), codes);
    }
  }
  nlohmann::json classes = nlohmann::json::array();
  classes.push_back("floor");
  for (int c = 1; c < o.num_classes; ++c) classes.push_back("object" + std::to_string(c));
  const nlohmann::json manifest = {{"format", "edgebench dense"},
                                   {"num_classes", o.num_classes},
                                   {"ignore_index", o.ignore_index},
                                   {"depth_scale", o.depth_scale},
                                   {"classes", classes}};
  write_file_text(root / "dataset.json", manifest.dump(1) + "\n");
}

}  // namespace eb::bench
