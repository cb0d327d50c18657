#include <stdexcept>

#include "models/mobiledet/anchors.h"
#include "models/mobiledet/box_predictor.h"
#include "models/mobiledet/feature_extractor.h"
#include "models/mobiledet/ssdlite.h"
#include "models/mobilenet/backbone.h"

namespace eb::mobilenet {
namespace {

void check_batch(int batch) {
  if (batch < 1) throw std::invalid_argument("batch must be at least 1, got " + std::to_string(batch));
}

const char* tag(Version v) { return v == Version::v1 ? "v1" : "v2"; }

}  // namespace

Graph build_classifier(Version version, int batch) {
  check_batch(batch);
  GraphBuilder g(std::string("mobilenet_") + tag(version) + "_1.0_224");
  mobiledet::NetBuilder net(g);
  const std::string image =
      g.input(std::string(mobiledet::kImageInput), {batch, 3, kClassifierImageSize, kClassifierImageSize});
  const BackboneOutputs b = mobilenet_backbone(net, image, version);
  const std::string pooled = g.add(OpKind::global_avg_pool, NoAttrs{}, {b.last}, "avg_pool");
  // Logits as slim builds them: a 1x1 conv with bias, no batch norm, no activation.
  const std::string logits = net.conv(pooled, "Conv2d_1c_1x1", {.filters = kImageNetClassSlots, .batch_norm = false, .bias = true});
  g.output(g.add(OpKind::reshape, ReshapeAttrs{{batch, kImageNetClassSlots}}, {logits}, std::string(kLogits)));
  return g.finish();
}

Graph build_ssd(Version version, int batch) {
  check_batch(batch);
  GraphBuilder g(std::string("ssd_mobilenet_") + tag(version) + "_300x300_coco");
  mobiledet::NetBuilder net(g);
  const std::string image = g.input(std::string(mobiledet::kImageInput), {batch, 3, kDetectorImageSize, kDetectorImageSize});
  const BackboneOutputs b = mobilenet_backbone(net, image, version);
  const auto maps = mobiledet::ssd_feature_maps(net, {b.stride16, b.last}, mobiledet::ExtraLayerConv::full);
  const auto head = mobiledet::ssd_box_predictor(net, maps, mobiledet::anchors_per_location(mobiledet::ssdlite_anchor_config()),
                                                 mobiledet::kNumClassSlots);
  g.output(head.box_encodings);
  g.output(head.class_logits);
  return g.finish();
}

}  // namespace eb::mobilenet
