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

// The deployment path: TFLite_Detection_PostProcess as TF's export_tflite_ssd_graph.py
// builds it into the .tflite models Coral benchmarks (use_regular_nms false, the
// exporter's defaults max_detections 10 and max_classes_per_detection 1; the configs'
// score_threshold 1e-8 and iou_threshold 0.6): each anchor keeps only its best class, then
// one greedy NMS over all anchors. Cheaper than the class-wise NMS above, which the COCO
// evaluation uses. Same shape checks and exceptions as postprocess().
struct FastPostprocessConfig {
  BoxCoderScales box_coder;
  float score_threshold = 1e-8f;
  float iou_threshold = 0.6f;
  int max_detections = 10;
};
std::vector<Detections> postprocess_fast(const Tensor& box_encodings, const Tensor& class_logits, std::span<const Box> anchors,
                                         const FastPostprocessConfig& config = {});

double sigmoid(double x);

}  // namespace eb::mobiledet
