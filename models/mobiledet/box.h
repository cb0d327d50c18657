// Axis-aligned boxes in TF object-detection order, [ymin, xmin, ymax, xmax], in
// normalised image coordinates (0..1 spans the image).
#pragma once

namespace eb::mobiledet {

struct Box {
  float ymin = 0, xmin = 0, ymax = 0, xmax = 0;
  friend bool operator==(const Box&, const Box&) = default;
};

// max(ymax - ymin, 0) · max(xmax - xmin, 0).
float area(const Box& b);
// Intersection over union; 0 when either box has no area (as TF's NMS kernel does).
float iou(const Box& a, const Box& b);
// Each coordinate clamped into the window (box_list_ops.clip_to_window).
Box clip_to_window(const Box& b, const Box& window);

}  // namespace eb::mobiledet
