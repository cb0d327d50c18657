// What a model's outputs mean, for accuracy: the one place in bench/accuracy that knows the
// models of this build (models/), so that fidelity and data-set metrics stay generic.
//
//   mobilenet-v1/v2  features: logits [B, 1001]; top-1 compared for fidelity, no data-set metric
//   mobiledet-*,     detection: box_encodings [B, N, 4] and class_logits [B, N, 91] decoded
//   ssd-mobilenet-*
//                    by the models' own host post-processing (sigmoid, class-wise NMS);
//                    class slot k is COCO category id k. class_logits' top-1 per anchor
//                    is compared for fidelity.
//   m3vit, seg       segmentation: per-pixel class logits [B, 7, H, W] (class axis 1)
//   m3vit, depth     depth: [B, 1, H, W], taken as metres
//   m3vit-backbone   features: tokens only; fidelity applies, no data-set metric does
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bench/datasets/coco_json.h"
#include "bench/datasets/preprocess.h"
#include "core/graph.h"
#include "core/tensor.h"

namespace eb::bench {

enum class OutputKind : std::uint8_t { detection, segmentation, depth, features };

std::string_view output_kind_name(OutputKind kind);  // "detection", "segmentation", "depth", "features"

struct ModelOutputs {
  OutputKind kind = OutputKind::features;
  std::string class_logits;  // output whose arg-max along class_axis is a class; empty if none
  int class_axis = 1;
  std::string dense;         // segmentation or depth: the prediction output
};

// `graph` is the model's graph as built (output names, anchors). Throws
// std::invalid_argument for a model this build does not know.
ModelOutputs model_outputs(std::string_view model, const Graph& graph);

// One decoded detection in TF's normalised [ymin, xmin, ymax, xmax] of the model input.
struct NormalizedDetection {
  std::int64_t category_id = 0;
  double score = 0;
  double ymin = 0, xmin = 0, ymax = 0, xmax = 0;
};

// The detections of every image of the batch (a detection model only), best first.
// `outputs` in graph.outputs order.
std::vector<std::vector<NormalizedDetection>> decode_detections(const Graph& graph, std::span<const Tensor> outputs);

// In the source image's pixels through the preprocessing geometry, as COCO results.
std::vector<CocoDetection> to_coco(std::span<const NormalizedDetection> detections, std::int64_t image_id,
                                   const ImageGeometry& geometry);

// Image b of a batched tensor [B, ...] as [1, ...].
Tensor batch_item(const Tensor& batched, std::int64_t b);

}  // namespace eb::bench
