// A dense-prediction data set in the Cityscapes/NYUD style: a folder of pictures and, for
// the same names, label maps (single-channel PNG of class ids, one value meaning "ignore")
// and/or depth maps (16-bit PNG holding metres·scale, or .npy in metres; 0 = no depth).
//
//   ROOT/images/NAME.png|jpg        (also found as image/, rgb/, leftImg8bit/)
//   ROOT/labels/NAME.png            (also label/, segmentation/, semseg/, gtFine/)
//   ROOT/depth/NAME.png|npy
//   ROOT/dataset.json               optional, every key optional:
//     {"images": "images", "labels": "labels", "depth": "depth",
//      "image_suffix": "_leftImg8bit", "label_suffix": "_gtFine_labelTrainIds", "depth_suffix": "",
//      "num_classes": 19, "ignore_index": 255, "depth_scale": 1000, "classes": ["road", ...]}
//
// NAME may contain subfolders (Cityscapes' city folders); files are matched by their path
// relative to the folder, with the folder's suffix removed. Without num_classes the
// number of classes is the model's (its output channels).
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bench/datasets/image.h"
#include "bench/datasets/npy.h"

namespace eb::bench {

struct DenseDatasetInfo {
  std::filesystem::path root;
  std::filesystem::path images;  // folders; labels/depth empty when the data set has none
  std::filesystem::path labels;
  std::filesystem::path depth;
  std::string image_suffix, label_suffix, depth_suffix;
  std::optional<int> num_classes;
  int ignore_index = 255;
  double depth_scale = 1000;  // a 16-bit depth PNG holds metres · depth_scale (NYUD's raw maps: millimetres)
  std::vector<std::string> class_names;
};

struct DenseSample {
  std::string name;  // relative path without suffix and extension
  std::filesystem::path image;
  std::optional<std::filesystem::path> label;
  std::optional<std::filesystem::path> depth;
};

struct LoadedDenseSample {
  RgbImage image;
  std::optional<GrayImage> label;  // same size as the image
  std::optional<DepthMap> depth;   // same size as the image
};

// dataset.json's keys into `info` (whose root the folders are relative to), checked key
// by key; `source` names the file in errors. Throws std::invalid_argument naming the key.
void parse_dataset_manifest(std::string_view text, const std::string& source, DenseDatasetInfo& info);

class DenseDataset {
 public:
  // Throws std::invalid_argument naming the problem: no picture folder, neither labels nor
  // depth, a picture without its label or depth map, a malformed dataset.json.
  static DenseDataset open(const std::filesystem::path& root);

  const DenseDatasetInfo& info() const { return info_; }
  const std::vector<DenseSample>& samples() const { return samples_; }
  std::size_t size() const { return samples_.size(); }
  bool has_labels() const { return !info_.labels.empty(); }
  bool has_depth() const { return !info_.depth.empty(); }

  // Decodes one sample; throws when a map's size differs from its picture's.
  LoadedDenseSample load(std::size_t i) const;

  // Keeps the first n samples (name order): `--limit`.
  void limit(std::size_t n);

 private:
  DenseDatasetInfo info_;
  std::vector<DenseSample> samples_;
};

// A depth PNG's codes as metres (code / scale; code 0 stays 0: no measurement).
DepthMap depth_from_codes(const GrayImage& codes, double scale);
// A .npy depth array of shape [H, W], [1, H, W] or [H, W, 1], in metres.
DepthMap depth_from_npy(const NpyArray& array, const std::string& name);
// Loads a depth map by extension (.png with `scale`, .npy).
DepthMap read_depth_map(const std::filesystem::path& path, double scale);

}  // namespace eb::bench
