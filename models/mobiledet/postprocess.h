// SSD post-processing on the host, shared by every backend (as TFLite's
// TFLite_Detection_PostProcess is a host op, not a delegate op): decode the box codes
// against the anchors, convert class logits to scores with a sigmoid (the configs'
// score_converter: SIGMOID), drop the background slot and run class-wise NMS.
#pragma once

#include <span>
#include <vector>

#include "core/tensor.h"
#include "models/mobiledet/box_coder.h"
#include "models/mobiledet/nms.h"

namespace eb::mobiledet {

struct PostprocessConfig {
  BoxCoderScales box_coder;
  NmsConfig nms;
};

// box_encodings [B, N, 4] and class_logits [B, N, S] (f32; slot 0 is background) against
// N anchors; one Detections per image. Classes are slot indices 1..S-1, which for the
// 91-slot COCO heads are the COCO category ids of mscoco_label_map.pbtxt (TF's exporter
// adds the same label offset of 1). Throws std::invalid_argument on mismatched shapes.
std::vector<Detections> postprocess(const Tensor& box_encodings, const Tensor& class_logits, std::span<const Box> anchors,
                                    const PostprocessConfig& config = {});

double sigmoid(double x);

}  // namespace eb::mobiledet
