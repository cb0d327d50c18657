// SSD anchors as TF's `ssd_anchor_generator` builds them
// (research/object_detection/anchor_generators/multiple_grid_anchor_generator.py:
// create_ssd_anchors and MultipleGridAnchorGenerator; grid_anchor_generator.py:
// tile_anchors; defaults from protos/ssd_anchor_generator.proto).
//
// Layer i of num_layers gets scale s_i = min + (max - min)·i/(num_layers - 1), and
// s_num_layers = 1. Its anchors per location are (s_i, r) for every aspect ratio r, plus
// (√(s_i·s_i+1), interpolated_scale_aspect_ratio); with reduce_boxes_in_lowest_layer the
// finest layer instead has (0.1, 1), (s_0, 2), (s_0, 0.5). An anchor (s, r) is
// s/√r · base_height high and s·√r · base_width wide. Centres sit on a grid of stride
// 1/H, 1/W with offset half a stride; the order is anchor fastest, then x, then y, then
// layer — the order the box predictor's NHWC flattening produces. Anchors are not
// clipped (the generator is built without a clip window).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "models/mobiledet/box.h"

namespace eb::mobiledet {

struct SsdAnchorConfig {
  // The values of the ssdlite_mobiledet_*_320x320_coco configs (proto defaults where
  // the configs say nothing).
  int num_layers = 6;
  double min_scale = 0.2;
  double max_scale = 0.95;
  std::vector<double> aspect_ratios{1.0, 2.0, 0.5, 3.0, 0.3333};  // 0.3333 as written in the configs
  double interpolated_scale_aspect_ratio = 1.0;  // 0 drops the extra anchor
  bool reduce_boxes_in_lowest_layer = true;
  double base_anchor_height = 1.0;
  double base_anchor_width = 1.0;
};

struct BoxSpec {
  double scale = 0;
  double aspect_ratio = 0;
};

struct GridSize {
  std::int64_t height = 0;
  std::int64_t width = 0;
  friend bool operator==(const GridSize&, const GridSize&) = default;
};

// The (scale, aspect ratio) pairs of every layer, in the order anchors are emitted.
std::vector<std::vector<BoxSpec>> ssd_box_specs(const SsdAnchorConfig& config);
// Anchors per spatial location of every layer ([3, 6, 6, 6, 6, 6] for the configs).
std::vector<int> anchors_per_location(const SsdAnchorConfig& config);

// All anchors for the given feature-map grids (finest first), normalised to the image.
// Non-square images scale the base anchor by min(H, W)/H and min(H, W)/W as TF does, so
// that a base anchor of 1×1 stays square in pixels. Throws std::invalid_argument when the
// number of grids is not config.num_layers.
std::vector<Box> generate_anchors(const SsdAnchorConfig& config, std::span<const GridSize> grids,
                                  std::int64_t image_height = 320, std::int64_t image_width = 320);

}  // namespace eb::mobiledet
