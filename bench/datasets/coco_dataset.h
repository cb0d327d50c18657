// A COCO-style detection data set on disk: an instances annotations file and a folder of
// JPEG/PNG pictures named by the images' `file_name`.
//
// Accepted layouts (PATH as given to `--dataset`):
//   DIR/annotations.json + DIR/images/...          (what `edgebench make-dataset coco` writes)
//   DIR/annotations/instances_SPLIT.json + DIR/SPLIT/...   (the COCO download, one split)
//   FILE.json, pictures in FILE's folder/images/, FILE's folder itself, or ../SPLIT/ for
//   a file named instances_SPLIT.json
#pragma once

#include <cstddef>
#include <filesystem>

#include "bench/datasets/coco_json.h"
#include "bench/datasets/image.h"

namespace eb::bench {

class CocoDataset {
 public:
  // Reads and validates the annotations; finds the picture folder. Throws
  // std::invalid_argument naming what is missing.
  static CocoDataset open(const std::filesystem::path& path);

  const CocoGroundTruth& ground_truth() const { return gt_; }
  const std::filesystem::path& annotations_file() const { return annotations_; }
  const std::filesystem::path& image_folder() const { return images_; }
  std::size_t size() const { return gt_.images.size(); }

  // The i-th image in file order. Throws when it has no file_name, cannot be decoded, or
  // its size differs from the width/height the annotations declare.
  RgbImage load_image(std::size_t i) const;

  // Keeps the first n images (file order) and their annotations: `--limit`.
  void limit(std::size_t n);

 private:
  CocoGroundTruth gt_;
  std::filesystem::path annotations_;
  std::filesystem::path images_;
};

// The ground truth reduced to its first n images and their annotations.
CocoGroundTruth first_images(const CocoGroundTruth& ground_truth, std::size_t n);

}  // namespace eb::bench
