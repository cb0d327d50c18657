#include "bench/accuracy/model_outputs.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "models/m3vit/m3vit.h"
#include "models/mobiledet/mobiledet.h"
#include "models/mobilenet/mobilenet.h"

namespace eb::bench {

std::string_view output_kind_name(OutputKind kind) {
  switch (kind) {
    case OutputKind::detection: return "detection";
    case OutputKind::segmentation: return "segmentation";
    case OutputKind::depth: return "depth";
    case OutputKind::features: return "features";
  }
  return "?";
}

ModelOutputs model_outputs(std::string_view model, const Graph& graph) {
  ModelOutputs m;
  if (model.starts_with("mobilenet-")) {  // an ImageNet classifier: logits [B, 1001]; no data set here
    m.class_logits = std::string(mobilenet::kLogits);
    m.class_axis = -1;
    return m;
  }
  if (model.starts_with("mobiledet-") || model.starts_with("ssd-mobilenet-")) {
    m.kind = OutputKind::detection;
    m.class_logits = std::string(mobiledet::kClassLogits);
    m.class_axis = -1;
    return m;
  }
  if (model == "m3vit-backbone") return m;
  if (model == "m3vit") {
    if (graph.outputs.size() != 1) throw std::invalid_argument("m3vit: expected one output, the task head's prediction");
    const m3vit::Task& task = m3vit::routed_task(graph);
    m.dense = graph.outputs.front();
    if (task.name == "seg") {
      m.kind = OutputKind::segmentation;
      m.class_logits = m.dense;
      m.class_axis = 1;
    } else if (task.name == "depth") {
      m.kind = OutputKind::depth;
    } else {
      throw std::invalid_argument("m3vit: no accuracy metric is defined for task '" + std::string(task.name) + "'");
    }
    return m;
  }
  throw std::invalid_argument("accuracy: model '" + std::string(model) + "' has no output description (bench/accuracy/model_outputs.cpp)");
}

std::vector<std::vector<NormalizedDetection>> decode_detections(const Graph& graph, std::span<const Tensor> outputs) {
  const auto output = [&](std::string_view name) -> const Tensor& {
    const auto it = std::find(graph.outputs.begin(), graph.outputs.end(), name);
    if (it == graph.outputs.end() || outputs.size() != graph.outputs.size())
      throw std::invalid_argument("decode_detections: outputs do not match the graph's (no '" + std::string(name) + "')");
    return outputs[static_cast<std::size_t>(it - graph.outputs.begin())];
  };
  const auto to_f32 = [](const Tensor& t) { return t.dtype() == DType::f32 ? t : t.to(DType::f32); };
  const auto per_image = mobiledet::postprocess(to_f32(output(mobiledet::kBoxEncodings)), to_f32(output(mobiledet::kClassLogits)),
                                                mobiledet::ssdlite_anchors(graph));
  std::vector<std::vector<NormalizedDetection>> out;
  out.reserve(per_image.size());
  for (const mobiledet::Detections& d : per_image) {
    std::vector<NormalizedDetection>& list = out.emplace_back();
    list.reserve(d.size());
    for (std::size_t i = 0; i < d.size(); ++i) {
      const mobiledet::Box& b = d.boxes[i];
      list.push_back({d.classes[i], d.scores[i], b.ymin, b.xmin, b.ymax, b.xmax});
    }
  }
  return out;
}

std::vector<CocoDetection> to_coco(std::span<const NormalizedDetection> detections, std::int64_t image_id,
                                   const ImageGeometry& geometry) {
  std::vector<CocoDetection> out;
  out.reserve(detections.size());
  for (const NormalizedDetection& d : detections)
    out.push_back({image_id, d.category_id, geometry.normalized_to_source(d.ymin, d.xmin, d.ymax, d.xmax), d.score});
  return out;
}

Tensor batch_item(const Tensor& batched, std::int64_t b) {
  const Shape& s = batched.shape();
  if (s.empty() || b < 0 || b >= s[0])
    throw std::invalid_argument("batch_item: no item " + std::to_string(b) + " in shape " + to_string(s));
  Shape one = s;
  one[0] = 1;
  Tensor out(batched.dtype(), one);
  const std::size_t bytes = out.nbytes();
  std::memcpy(out.bytes().data(), batched.bytes().data() + static_cast<std::size_t>(b) * bytes, bytes);
  return out;
}

}  // namespace eb::bench
