#include "models/mobiledet/box.h"

#include <algorithm>

namespace eb::mobiledet {

float area(const Box& b) { return std::max(b.ymax - b.ymin, 0.0f) * std::max(b.xmax - b.xmin, 0.0f); }

float iou(const Box& a, const Box& b) {
  const float area_a = area(a), area_b = area(b);
  if (area_a <= 0 || area_b <= 0) return 0;
  const float ih = std::max(std::min(a.ymax, b.ymax) - std::max(a.ymin, b.ymin), 0.0f);
  const float iw = std::max(std::min(a.xmax, b.xmax) - std::max(a.xmin, b.xmin), 0.0f);
  const float inter = ih * iw;
  return inter / (area_a + area_b - inter);
}

Box clip_to_window(const Box& b, const Box& w) {
  auto clamp = [](float v, float lo, float hi) { return std::min(std::max(v, lo), hi); };
  return {clamp(b.ymin, w.ymin, w.ymax), clamp(b.xmin, w.xmin, w.xmax), clamp(b.ymax, w.ymin, w.ymax),
          clamp(b.xmax, w.xmin, w.xmax)};
}

}  // namespace eb::mobiledet
