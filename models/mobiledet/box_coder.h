// TF's faster_rcnn_box_coder (research/object_detection/box_coders/
// faster_rcnn_box_coder.py) with the configs' scale factors y 10, x 10, height 5, width 5.
// A code (ty, tx, th, tw) relative to an anchor with centre (ya, xa) and size (ha, wa):
//
//   ty = 10·(y − ya)/ha    tx = 10·(x − xa)/wa    th = 5·log(h/ha)    tw = 5·log(w/wa)
//
// so the zero code decodes to the anchor itself.
#pragma once

#include <array>
#include <span>
#include <vector>

#include "models/mobiledet/box.h"

namespace eb::mobiledet {

struct BoxCoderScales {
  float y = 10.0f;
  float x = 10.0f;
  float height = 5.0f;
  float width = 5.0f;
};

using BoxCode = std::array<float, 4>;  // (ty, tx, th, tw)

Box decode_box(const BoxCode& code, const Box& anchor, const BoxCoderScales& scales = {});
// Encodes like TF, which adds 1e-8 to every height and width before dividing.
BoxCode encode_box(const Box& box, const Box& anchor, const BoxCoderScales& scales = {});

// Decodes `codes` ([N, 4] row-major) against N anchors; throws std::invalid_argument when
// the sizes disagree.
std::vector<Box> decode_boxes(std::span<const float> codes, std::span<const Box> anchors,
                              const BoxCoderScales& scales = {});

}  // namespace eb::mobiledet
