// MobileDet SSDLite detectors (CPU, EdgeTPU, DSP, GPU backbone variants).
//
// Where things are:
//   ssdlite.h            the whole detector graph, its variants, anchors of a built graph
//   backbones.h          the four backbones; blocks.h their building blocks
//   feature_extractor.h  SSD extra layers; box_predictor.h the SSDLite heads
//   anchors.h, box_coder.h, nms.h, postprocess.h   host post-processing for every backend
//   synthetic_image.h    the deterministic input image
#pragma once

#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "models/mobiledet/postprocess.h"
#include "models/mobiledet/ssdlite.h"
#include "models/workload.h"

namespace eb::mobiledet {

// The workloads "mobiledet-cpu", "mobiledet-edgetpu", "mobiledet-dsp", "mobiledet-gpu".
// Each builds build_ssdlite(variant, batch); weights follow the seeded recipes the graph
// declares; inputs are synthetic_image(); describe_outputs decodes and suppresses the
// detections of the first image: {"detections": N, "top": [{"class", "score", "box"}…≤10]}.
std::vector<std::unique_ptr<Workload>> make_workloads();

// Anchors, decoding and NMS for the outputs of any SSD graph built here (one Detections per
// image): class-wise (postprocess, as the COCO evaluation runs it) or, with `deployment`,
// TFLite's fast path (postprocess_fast, what a device's host runs after every inference).
// Throws std::invalid_argument, naming `workload`, when the outputs do not match.
std::vector<Detections> ssd_postprocess(const Graph& graph, std::span<const Tensor> outputs, std::string_view workload,
                                        bool deployment = false);

// describe_outputs of any SSD graph built here (outputs "box_encodings", "class_logits";
// anchors from its head, ssdlite_anchors): decodes and suppresses on the host. Throws
// std::invalid_argument, naming `workload`, when the outputs do not match the graph.
nlohmann::json describe_ssd_outputs(const Graph& graph, std::span<const Tensor> outputs, std::string_view workload);

// The JSON summary describe_outputs gives for one image's detections.
nlohmann::json describe_detections(const Detections& detections, std::size_t top = 10);

}  // namespace eb::mobiledet
