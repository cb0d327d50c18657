// SSD anchors, checked against values worked out by hand from the TF generator.
#include <gtest/gtest.h>

#include <cmath>

#include "models/mobiledet/anchors.h"
#include "models/mobiledet/ssdlite.h"
#include "tests/mobiledet/expect_box.h"

namespace eb::mobiledet {
namespace {

const std::vector<GridSize> kGrids{{20, 20}, {10, 10}, {5, 5}, {3, 3}, {2, 2}, {1, 1}};

using testing::expect_box;

TEST(SsdAnchors, BoxSpecsOfTheConfigs) {
  const auto specs = ssd_box_specs(ssdlite_anchor_config());
  ASSERT_EQ(specs.size(), 6u);
  EXPECT_EQ(anchors_per_location(ssdlite_anchor_config()), (std::vector<int>{3, 6, 6, 6, 6, 6}));
  // Layer 0 (reduced): (0.1, 1), (0.2, 2), (0.2, 0.5).
  EXPECT_DOUBLE_EQ(specs[0][0].scale, 0.1);
  EXPECT_DOUBLE_EQ(specs[0][1].scale, 0.2);
  EXPECT_DOUBLE_EQ(specs[0][1].aspect_ratio, 2.0);
  EXPECT_DOUBLE_EQ(specs[0][2].aspect_ratio, 0.5);
  // Scales step by (0.95 − 0.2)/5 = 0.15: 0.2, 0.35, 0.5, 0.65, 0.8, 0.95.
  EXPECT_NEAR(specs[1][0].scale, 0.35, 1e-12);
  EXPECT_NEAR(specs[5][0].scale, 0.95, 1e-12);
  // The extra anchor interpolates to the next scale; the last layer's "next" is 1.0.
  EXPECT_NEAR(specs[1][5].scale, std::sqrt(0.35 * 0.5), 1e-12);
  EXPECT_NEAR(specs[5][5].scale, std::sqrt(0.95), 1e-12);
  EXPECT_DOUBLE_EQ(specs[3][4].aspect_ratio, 0.3333);
}

TEST(SsdAnchors, FirstAnchorsOfLayerZero) {
  const auto anchors = generate_anchors(ssdlite_anchor_config(), kGrids);
  ASSERT_EQ(anchors.size(), 2034u);
  // Centre (0.025, 0.025): stride 1/20, offset half a stride.
  expect_box(anchors[0], -0.025, -0.025, 0.075, 0.075);  // 0.1 × 0.1
  // scale 0.2, ratio 2: h = 0.2/√2, w = 0.2·√2.
  const double h = 0.2 / std::sqrt(2.0), w = 0.2 * std::sqrt(2.0);
  expect_box(anchors[1], 0.025 - h / 2, 0.025 - w / 2, 0.025 + h / 2, 0.025 + w / 2);
  expect_box(anchors[2], 0.025 - w / 2, 0.025 - h / 2, 0.025 + w / 2, 0.025 + h / 2);  // ratio 0.5
  // The next location is one x step on: centre (0.025, 0.075).
  expect_box(anchors[3], -0.025, 0.025, 0.075, 0.125);
  // The first anchor of row 1 (after 20 locations × 3 anchors): centre (0.075, 0.025).
  expect_box(anchors[60], 0.025, -0.025, 0.125, 0.075);
}

TEST(SsdAnchors, LayerFiveAnchors) {
  const auto anchors = generate_anchors(ssdlite_anchor_config(), kGrids);
  // Layer 5 is the single 1×1 location, centre (0.5, 0.5), the last six anchors.
  const std::size_t first = 2034 - 6;
  expect_box(anchors[first], 0.5 - 0.475, 0.5 - 0.475, 0.5 + 0.475, 0.5 + 0.475);  // 0.95, ratio 1
  const double h3 = 0.95 / std::sqrt(3.0), w3 = 0.95 * std::sqrt(3.0);  // ratio 3: wide, beyond the image
  expect_box(anchors[first + 3], 0.5 - h3 / 2, 0.5 - w3 / 2, 0.5 + h3 / 2, 0.5 + w3 / 2);
  const double s = std::sqrt(0.95);  // interpolated, ratio 1
  expect_box(anchors[first + 5], 0.5 - s / 2, 0.5 - s / 2, 0.5 + s / 2, 0.5 + s / 2);
}

TEST(SsdAnchors, LayerFourCentres) {
  const auto anchors = generate_anchors(ssdlite_anchor_config(), kGrids);
  // Layer 4 (2×2) starts after 1200 + 600 + 150 + 54 anchors; location (1, 0) is the third.
  const std::size_t first = 1200 + 600 + 150 + 54 + 2 * 6;
  const Box& b = anchors[first];  // scale 0.8, ratio 1, centre (0.75, 0.25)
  expect_box(b, 0.75 - 0.4, 0.25 - 0.4, 0.75 + 0.4, 0.25 + 0.4);
}

TEST(SsdAnchors, NonSquareImagesKeepSquareAnchorsInPixels) {
  const auto anchors = generate_anchors(ssdlite_anchor_config(), kGrids, 320, 640);
  const Box& b = anchors[2034 - 6];  // scale 0.95, ratio 1
  EXPECT_NEAR((b.ymax - b.ymin) * 320, (b.xmax - b.xmin) * 640, 1e-3);
}

TEST(SsdAnchors, RejectsWrongLayerCount) {
  const std::vector<GridSize> five(kGrids.begin(), kGrids.begin() + 5);
  EXPECT_THROW(generate_anchors(ssdlite_anchor_config(), five), std::invalid_argument);
}

}  // namespace
}  // namespace eb::mobiledet
