// faster_rcnn_box_coder decoding (scales 10, 10, 5, 5) on hand-made encodings.
#include <gtest/gtest.h>

#include <cmath>

#include "models/mobiledet/box_coder.h"
#include "tests/mobiledet/expect_box.h"

namespace eb::mobiledet {
namespace {

const Box kAnchor{0.2f, 0.3f, 0.6f, 0.5f};  // centre (0.4, 0.4), h 0.4, w 0.2

using testing::expect_box;

TEST(BoxCoder, ZeroCodeIsTheAnchor) { expect_box(decode_box({0, 0, 0, 0}, kAnchor), 0.2, 0.3, 0.6, 0.5); }

TEST(BoxCoder, CentreShiftsScaleWithAnchorSize) {
  // ty = 10 shifts the centre by one anchor height (0.4); tx = −5 by half a width (−0.1).
  expect_box(decode_box({10, -5, 0, 0}, kAnchor), 0.6, 0.2, 1.0, 0.4);
}

TEST(BoxCoder, SizeCodesAreLogScaledByFive) {
  // th = 5·ln 2 doubles the height about the same centre; tw = −5·ln 2 halves the width.
  const float l2 = static_cast<float>(5 * std::log(2.0));
  expect_box(decode_box({0, 0, l2, -l2}, kAnchor), 0.0, 0.35, 0.8, 0.45);
}

TEST(BoxCoder, EncodeInvertsDecode) {
  const Box target{0.1f, 0.15f, 0.7f, 0.9f};
  const BoxCode code = encode_box(target, kAnchor);
  expect_box(decode_box(code, kAnchor), 0.1, 0.15, 0.7, 0.9, 1e-5);
  EXPECT_NEAR(code[0], 10 * (0.4 - 0.4) / 0.4, 1e-4);
  EXPECT_NEAR(code[1], 10 * (0.525 - 0.4) / 0.2, 1e-4);
  EXPECT_NEAR(code[2], 5 * std::log(0.6 / 0.4), 1e-4);
  EXPECT_NEAR(code[3], 5 * std::log(0.75 / 0.2), 1e-4);
}

TEST(BoxCoder, DecodesManyAndChecksSizes) {
  const std::vector<Box> anchors{kAnchor, {0, 0, 1, 1}};
  const std::vector<float> codes{0, 0, 0, 0, 2.5f, 0, 0, 0};
  const auto boxes = decode_boxes(codes, anchors);
  ASSERT_EQ(boxes.size(), 2u);
  expect_box(boxes[0], 0.2, 0.3, 0.6, 0.5);
  expect_box(boxes[1], 0.25, 0, 1.25, 1);  // ty 2.5/10 of height 1
  EXPECT_THROW(decode_boxes(std::span(codes).first(7), anchors), std::invalid_argument);
}

}  // namespace
}  // namespace eb::mobiledet
