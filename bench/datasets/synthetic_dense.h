// Synthetic dense-prediction data sets (dense_dataset.h layout) for tests and demos: a
// receding floor with objects standing on it, each object a class with its own colour and
// depth; label maps with an ignore band around every object (as PASCAL's boundaries) and
// depth maps with holes (0, as NYUD's Kinect gaps). A pure function of the options.
#pragma once

#include <cstdint>
#include <filesystem>

#include "bench/datasets/image.h"
#include "bench/datasets/image_codec.h"

namespace eb::bench {

enum class DepthFormat : std::uint8_t { png16, npy };

struct DenseDatasetOptions {
  std::uint64_t seed = 1;
  int images = 4;
  int width = 160;
  int height = 80;
  int num_classes = 7;  // class 0 is the floor
  int ignore_index = 255;
  bool labels = true;
  bool depth = true;
  DepthFormat depth_format = DepthFormat::png16;
  double depth_scale = 1000;  // png16 codes per metre
  ImageFormat image_format = ImageFormat::png;
  int jpeg_quality = 90;
};

struct DenseSampleData {
  RgbImage image;
  GrayImage label;  // bit depth 8 unless ignore_index or a class needs 16
  DepthMap depth;   // already quantised as png16 stores it, so a round trip is exact
};

DenseSampleData make_dense_sample(const DenseDatasetOptions& options, int index);

// Writes ROOT/images/NNNN.png|jpg, ROOT/labels/NNNN.png, ROOT/depth/NNNN.png|npy and
// ROOT/dataset.json (num_classes, ignore_index, depth_scale, class names). Creates ROOT.
void write_dense_dataset(const std::filesystem::path& root, const DenseDatasetOptions& options);

}  // namespace eb::bench
