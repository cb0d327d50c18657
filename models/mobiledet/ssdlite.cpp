#include "models/mobiledet/ssdlite.h"

#include <stdexcept>
#include <string>

#include "models/mobiledet/box_predictor.h"
#include "models/mobiledet/feature_extractor.h"

namespace eb::mobiledet {
namespace {

BackboneEndpoints build_backbone(Variant v, NetBuilder& net, const std::string& image) {
  switch (v) {
    case Variant::cpu: return mobiledet_cpu_backbone(net, image);
    case Variant::edgetpu: return mobiledet_edgetpu_backbone(net, image);
    case Variant::dsp: return mobiledet_dsp_backbone(net, image);
    case Variant::gpu: return mobiledet_gpu_backbone(net, image);
  }
  throw std::invalid_argument("unknown MobileDet variant");
}

}  // namespace

std::string_view variant_name(Variant v) {
  switch (v) {
    case Variant::cpu: return "cpu";
    case Variant::edgetpu: return "edgetpu";
    case Variant::dsp: return "dsp";
    case Variant::gpu: return "gpu";
  }
  return "?";
}

SsdAnchorConfig ssdlite_anchor_config() { return {}; }

Graph build_ssdlite(Variant variant, int batch) {
  if (batch < 1) throw std::invalid_argument("batch must be at least 1, got " + std::to_string(batch));
  GraphBuilder g("ssdlite_mobiledet_" + std::string(variant_name(variant)) + "_320x320_coco");
  NetBuilder net(g);
  const std::string image = g.input(std::string(kImageInput), {batch, 3, kImageSize, kImageSize});
  const BackboneEndpoints endpoints = build_backbone(variant, net, image);
  const std::vector<std::string> maps = ssd_feature_maps(net, endpoints);
  const HeadOutputs head = ssdlite_box_predictor(net, maps, anchors_per_location(ssdlite_anchor_config()), kNumClassSlots);
  g.output(head.box_encodings);
  g.output(head.class_logits);
  return g.finish();
}

std::vector<Box> ssdlite_anchors(const Graph& graph) {
  const Shape& image = graph.info(std::string(kImageInput)).shape;
  const std::vector<GridSize> grids = feature_map_sizes(graph);
  return generate_anchors(ssdlite_anchor_config(), grids, image[2], image[3]);
}

}  // namespace eb::mobiledet
