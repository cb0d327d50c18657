// The detector graphs: shapes, feature maps, anchors per location and the published sizes.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "models/mobiledet/blocks.h"
#include "models/mobiledet/box_predictor.h"
#include "models/mobiledet/ssdlite.h"

namespace eb::mobiledet {
namespace {

struct Published {
  Variant variant;
  double madds;
  double params;
};
// What gtest prints for GetParam() (without it, the struct's bytes).
void PrintTo(const Published& p, std::ostream* os) { *os << variant_name(p.variant); }

// ssdlite_mobiledet_*_320x320_coco_sync_4x4.config headers (tensorflow/models).
constexpr Published kPublished[] = {
    {Variant::cpu, 0.45e9, 4.21e6},
    {Variant::edgetpu, 1.53e9, 4.20e6},
    {Variant::dsp, 2.82e9, 7.16e6},
    {Variant::gpu, 5.07e9, 13.11e6},
};

// 20²·3 + (10² + 5² + 3² + 2² + 1²)·6
constexpr std::int64_t kAnchors = 2034;

class PerVariant : public ::testing::TestWithParam<Published> {};

TEST_P(PerVariant, OutputShapesAndFeatureMaps) {
  const Graph g = build_ssdlite(GetParam().variant, 2);
  EXPECT_EQ(g.inputs, std::vector<std::string>{"image"});
  EXPECT_EQ(g.info("image").shape, (Shape{2, 3, 320, 320}));
  ASSERT_EQ(g.outputs.size(), 2u);
  EXPECT_EQ(g.info(g.outputs[0]).shape, (Shape{2, kAnchors, 4}));
  EXPECT_EQ(g.info(g.outputs[1]).shape, (Shape{2, kAnchors, kNumClassSlots}));
  EXPECT_EQ(feature_map_sizes(g), (std::vector<GridSize>{{20, 20}, {10, 10}, {5, 5}, {3, 3}, {2, 2}, {1, 1}}));
  EXPECT_EQ(ssdlite_anchors(g).size(), static_cast<std::size_t>(kAnchors));
}

TEST_P(PerVariant, MacsAndParamsMatchPublished) {
  const Published p = GetParam();
  const Graph g = build_ssdlite(p.variant);
  const auto macs = static_cast<double>(g.mac_count());
  const auto params = static_cast<double>(g.param_count());
  RecordProperty("macs", std::to_string(g.mac_count()));
  RecordProperty("params", std::to_string(g.param_count()));
  std::printf("mobiledet-%s: %lld MACs (published %.2f B), %lld params (published %.2f M)\n",
              std::string(variant_name(p.variant)).c_str(), static_cast<long long>(g.mac_count()), p.madds / 1e9,
              static_cast<long long>(g.param_count()), p.params / 1e6);
  EXPECT_NEAR(macs / p.madds, 1.0, 0.05);
  EXPECT_NEAR(params / p.params, 1.0, 0.05);
}

TEST_P(PerVariant, BatchScalesMacsNotParams) {
  const Graph one = build_ssdlite(GetParam().variant, 1);
  const Graph three = build_ssdlite(GetParam().variant, 3);
  EXPECT_EQ(three.mac_count(), 3 * one.mac_count());
  EXPECT_EQ(three.param_count(), one.param_count());
}

INSTANTIATE_TEST_SUITE_P(MobileDet, PerVariant, ::testing::ValuesIn(kPublished),
                         [](const auto& info) { return std::string(variant_name(info.param.variant)); });

TEST(MobileDetGraph, SamePaddingPutsTheOddPixelAfter) {
  auto p = same_padding(320, 3, 2);
  EXPECT_EQ((std::array<std::int64_t, 3>{p.before, p.after, p.out}), (std::array<std::int64_t, 3>{0, 1, 160}));
  p = same_padding(5, 3, 2);  // odd input: symmetric
  EXPECT_EQ((std::array<std::int64_t, 3>{p.before, p.after, p.out}), (std::array<std::int64_t, 3>{1, 1, 3}));
  p = same_padding(2, 3, 2);
  EXPECT_EQ((std::array<std::int64_t, 3>{p.before, p.after, p.out}), (std::array<std::int64_t, 3>{0, 1, 1}));
  p = same_padding(20, 5, 1);
  EXPECT_EQ((std::array<std::int64_t, 3>{p.before, p.after, p.out}), (std::array<std::int64_t, 3>{2, 2, 20}));
}

TEST(MobileDetGraph, ScaleFiltersRoundsHalfUpToEights) {
  EXPECT_EQ(scale_filters(16, 0.25), 8);    // 4 → at least 8
  EXPECT_EQ(scale_filters(576, 0.25), 144);  // SE width of a 72·8 expansion
  EXPECT_EQ(scale_filters(32, 0.75), 24);   // Tucker output rank
  EXPECT_EQ(scale_filters(12, 1.0), 16);    // 1.5 eights round up to 2
  EXPECT_EQ(scale_filters(11, 1.0), 8);
}

TEST(MobileDetGraph, RejectsBadBatch) { EXPECT_THROW(build_ssdlite(Variant::cpu, 0), std::invalid_argument); }

TEST(MobileDetGraph, StrideTwoConvsPadTheTfWay) {
  // The stem: 3x3 stride 2 on 320 → 160 needs one pixel of padding, which TF "SAME" puts
  // at the bottom/right.
  const Graph g = build_ssdlite(Variant::edgetpu);
  const Node* stem = g.producer("backbone.00_conv");
  ASSERT_NE(stem, nullptr);
  const auto& a = stem->attr<Conv2dAttrs>();
  EXPECT_EQ(a.pad, (std::array<int, 4>{0, 0, 1, 1}));
  EXPECT_EQ(g.info("backbone.00_conv").shape, (Shape{1, 32, 160, 160}));
  EXPECT_TRUE(a.has_batch_norm);
  EXPECT_FLOAT_EQ(a.bn_eps, 0.01f);
  EXPECT_EQ(a.act, Activation::relu6);
}

TEST(MobileDetGraph, CpuVariantUsesHardSwishAndSqueezeExcite) {
  const Graph g = build_ssdlite(Variant::cpu);
  int se = 0, hardswish = 0, sigmoid_gates = 0;
  for (const Node& n : g.nodes) {
    if (n.op == OpKind::global_avg_pool) ++se;
    if (n.op == OpKind::conv2d && n.attr<Conv2dAttrs>().act == Activation::hardswish) ++hardswish;
    if (n.op == OpKind::conv2d && n.attr<Conv2dAttrs>().act == Activation::sigmoid) ++sigmoid_gates;
  }
  EXPECT_EQ(se, 19);  // every block but the stem: 1 IBN without expansion + 18 IBNs
  EXPECT_EQ(sigmoid_gates, se);
  EXPECT_GT(hardswish, 50);
  const Graph gpu = build_ssdlite(Variant::gpu);
  for (const Node& n : gpu.nodes) EXPECT_NE(n.op, OpKind::global_avg_pool) << n.name;
}

TEST(MobileDetGraph, HeadLayoutIsTfNhwc) {
  const Graph g = build_ssdlite(Variant::dsp);
  EXPECT_EQ(g.info("head.0.box.conv").shape, (Shape{1, 3 * 4, 20, 20}));
  EXPECT_EQ(g.info("head.5.class.conv").shape, (Shape{1, 6 * kNumClassSlots, 1, 1}));
  const Node* t = g.producer("head.0.box.nhwc");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->attr<TransposeAttrs>().perm, (std::vector<int>{0, 2, 3, 1}));
  EXPECT_EQ(g.info("head.0.box.flat").shape, (Shape{1, 1200, 4}));
}

TEST(MobileDetPublished, JsonHoldsTheSizesTheTestsUse) {
  std::ifstream f(std::string(EB_SOURCE_DIR) + "/data/published/mobiledet.json");
  ASSERT_TRUE(f) << "data/published/mobiledet.json missing";
  const auto j = nlohmann::json::parse(f);
  EXPECT_EQ(j.at("schema_version"), 1);
  for (const Published& p : kPublished) {
    const std::string name = "mobiledet-" + std::string(variant_name(p.variant));
    bool found = false;
    for (const auto& m : j.at("models")) {
      if (m.at("workload") != name) continue;
      found = true;
      EXPECT_DOUBLE_EQ(m.at("size").at("madds").get<double>(), p.madds) << name;
      EXPECT_DOUBLE_EQ(m.at("size").at("params").get<double>(), p.params) << name;
      for (const auto& r : m.at("results")) {
        EXPECT_TRUE(j.at("citations").contains(r.at("citation").get<std::string>())) << name;
        EXPECT_TRUE(r.contains("device") || r.at("metric") == "coco_map") << name;
      }
    }
    EXPECT_TRUE(found) << name;
  }
}

}  // namespace
}  // namespace eb::mobiledet
