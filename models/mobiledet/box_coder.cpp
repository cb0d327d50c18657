#include "models/mobiledet/box_coder.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace eb::mobiledet {
namespace {

struct CenterSize {
  double y, x, h, w;
};

CenterSize center_size(const Box& b) {
  const double h = static_cast<double>(b.ymax) - b.ymin, w = static_cast<double>(b.xmax) - b.xmin;
  return {b.ymin + 0.5 * h, b.xmin + 0.5 * w, h, w};
}

}  // namespace

Box decode_box(const BoxCode& code, const Box& anchor, const BoxCoderScales& s) {
  const CenterSize a = center_size(anchor);
  const double ty = code[0] / static_cast<double>(s.y), tx = code[1] / static_cast<double>(s.x);
  const double th = code[2] / static_cast<double>(s.height), tw = code[3] / static_cast<double>(s.width);
  const double h = std::exp(th) * a.h, w = std::exp(tw) * a.w;
  const double yc = ty * a.h + a.y, xc = tx * a.w + a.x;
  return {static_cast<float>(yc - 0.5 * h), static_cast<float>(xc - 0.5 * w), static_cast<float>(yc + 0.5 * h),
          static_cast<float>(xc + 0.5 * w)};
}

BoxCode encode_box(const Box& box, const Box& anchor, const BoxCoderScales& s) {
  constexpr double kEpsilon = 1e-8;  // faster_rcnn_box_coder.EPSILON
  CenterSize a = center_size(anchor), b = center_size(box);
  a.h += kEpsilon, a.w += kEpsilon, b.h += kEpsilon, b.w += kEpsilon;
  return {static_cast<float>((b.y - a.y) / a.h * s.y), static_cast<float>((b.x - a.x) / a.w * s.x),
          static_cast<float>(std::log(b.h / a.h) * s.height), static_cast<float>(std::log(b.w / a.w) * s.width)};
}

std::vector<Box> decode_boxes(std::span<const float> codes, std::span<const Box> anchors, const BoxCoderScales& scales) {
  if (codes.size() != anchors.size() * 4)
    throw std::invalid_argument("box decoding: " + std::to_string(codes.size()) + " code values for " +
                                std::to_string(anchors.size()) + " anchors");
  std::vector<Box> boxes;
  boxes.reserve(anchors.size());
  for (std::size_t i = 0; i < anchors.size(); ++i)
    boxes.push_back(decode_box({codes[4 * i], codes[4 * i + 1], codes[4 * i + 2], codes[4 * i + 3]}, anchors[i], scales));
  return boxes;
}

}  // namespace eb::mobiledet
