#include "models/mobiledet/anchors.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace eb::mobiledet {

std::vector<std::vector<BoxSpec>> ssd_box_specs(const SsdAnchorConfig& c) {
  if (c.num_layers < 2) throw std::invalid_argument("SSD anchors need at least two layers");
  std::vector<double> scales;
  for (int i = 0; i < c.num_layers; ++i)
    scales.push_back(c.min_scale + (c.max_scale - c.min_scale) * i / (c.num_layers - 1));
  scales.push_back(1.0);  // only used to interpolate the last layer's extra anchor

  std::vector<std::vector<BoxSpec>> specs;
  for (int i = 0; i < c.num_layers; ++i) {
    const double scale = scales[static_cast<std::size_t>(i)];
    const double next = scales[static_cast<std::size_t>(i) + 1];
    std::vector<BoxSpec> layer;
    if (i == 0 && c.reduce_boxes_in_lowest_layer) {
      layer = {{0.1, 1.0}, {scale, 2.0}, {scale, 0.5}};
    } else {
      for (double r : c.aspect_ratios) layer.push_back({scale, r});
      if (c.interpolated_scale_aspect_ratio > 0)
        layer.push_back({std::sqrt(scale * next), c.interpolated_scale_aspect_ratio});
    }
    specs.push_back(std::move(layer));
  }
  return specs;
}

std::vector<int> anchors_per_location(const SsdAnchorConfig& config) {
  std::vector<int> counts;
  for (const auto& layer : ssd_box_specs(config)) counts.push_back(static_cast<int>(layer.size()));
  return counts;
}

std::vector<Box> generate_anchors(const SsdAnchorConfig& config, std::span<const GridSize> grids,
                                  std::int64_t image_height, std::int64_t image_width) {
  const auto specs = ssd_box_specs(config);
  if (grids.size() != specs.size())
    throw std::invalid_argument("SSD anchors: " + std::to_string(grids.size()) + " feature maps for " +
                                std::to_string(specs.size()) + " anchor layers");
  const double min_side = static_cast<double>(std::min(image_height, image_width));
  const double base_h = config.base_anchor_height * min_side / static_cast<double>(image_height);
  const double base_w = config.base_anchor_width * min_side / static_cast<double>(image_width);

  std::vector<Box> anchors;
  for (std::size_t l = 0; l < specs.size(); ++l) {
    const GridSize g = grids[l];
    const double stride_y = 1.0 / static_cast<double>(g.height), stride_x = 1.0 / static_cast<double>(g.width);
    for (std::int64_t y = 0; y < g.height; ++y) {
      const double cy = static_cast<double>(y) * stride_y + 0.5 * stride_y;
      for (std::int64_t x = 0; x < g.width; ++x) {
        const double cx = static_cast<double>(x) * stride_x + 0.5 * stride_x;
        for (const BoxSpec& s : specs[l]) {
          const double root = std::sqrt(s.aspect_ratio);
          const double h = s.scale / root * base_h, w = s.scale * root * base_w;
          anchors.push_back({static_cast<float>(cy - 0.5 * h), static_cast<float>(cx - 0.5 * w),
                             static_cast<float>(cy + 0.5 * h), static_cast<float>(cx + 0.5 * w)});
        }
      }
    }
  }
  return anchors;
}

}  // namespace eb::mobiledet
