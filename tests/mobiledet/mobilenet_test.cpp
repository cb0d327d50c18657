// The MobileNet classifiers and SSD MobileNet detectors (models/mobilenet, built from the
// MobileDet blocks, so their tests live here): the published sizes, to the precision
// they are published with, and the detectors' shapes, feature maps and anchors.
#include <gtest/gtest.h>

#include <cmath>

#include "bench/graph_summary.h"
#include "models/mobiledet/box_predictor.h"
#include "models/mobiledet/mobiledet.h"
#include "models/mobilenet/mobilenet.h"

namespace eb::mobilenet {
namespace {

// Parameters as the published tables count them: conv / FC weights and biases, batch-norm
// statistics excluded (bench/graph_summary.h).
std::int64_t published_style_params(const Graph& g) { return bench::summarize_graph(g).params_without_batch_norm; }

TEST(MobileNet, V1MatchesPublishedCounts) {
  const Graph g = build_classifier(Version::v1);
  // Howard et al. 2017, Table 8: 569 million mult-adds, 4.2 million parameters.
  EXPECT_EQ(std::llround(static_cast<double>(g.mac_count()) / 1e6), 569) << g.mac_count();
  EXPECT_EQ(std::llround(static_cast<double>(published_style_params(g)) / 1e5), 42) << published_style_params(g);
  EXPECT_EQ(g.info(std::string(kLogits)).shape, (Shape{1, kImageNetClassSlots}));
}

TEST(MobileNet, V2MatchesPublishedCounts) {
  const Graph g = build_classifier(Version::v2);
  // Sandler et al. 2018, Table 4: 300 M MACs, 3.4 M parameters; the TF-slim table of the
  // released checkpoints (mobilenet_v2_1.0_224): 300 M MACs, 3.47 M parameters. The paper
  // truncates what slim rounds, so both are checked.
  const auto macs = static_cast<double>(g.mac_count());
  EXPECT_LT(std::abs(macs / 300e6 - 1.0), 0.005) << g.mac_count();  // "300" has three significant figures
  const auto params = static_cast<double>(published_style_params(g));
  EXPECT_EQ(std::llround(params / 1e4), 347) << published_style_params(g);
  EXPECT_EQ(static_cast<long long>(params / 1e5), 34);
}

TEST(MobileNet, ParamsWithoutBatchNormDropExactlyTheStatistics) {
  // Every conv of the classifiers has batch norm except the logits: 4 statistics per channel.
  const Graph g = build_classifier(Version::v1);
  std::int64_t bn_channels = 0;
  for (const Node& n : g.nodes)
    if (n.op == OpKind::conv2d && n.attr<Conv2dAttrs>().has_batch_norm) bn_channels += g.info(n.name).shape[1];
  EXPECT_EQ(g.param_count() - published_style_params(g), 4 * bn_channels);
}

struct DetectorCase {
  Version version;
  std::int64_t stride16_channels;  // the first feature map's depth
  const char* name() const { return version == Version::v1 ? "SsdMobileNetV1" : "SsdMobileNetV2"; }
};
// What gtest prints for GetParam() (without it, the struct's bytes).
void PrintTo(const DetectorCase& c, std::ostream* os) { *os << c.name(); }

class Detector : public ::testing::TestWithParam<DetectorCase> {};

TEST_P(Detector, ShapesFeatureMapsAndAnchors) {
  const Graph g = build_ssd(GetParam().version, 2);
  EXPECT_EQ(g.info("image").shape, (Shape{2, 3, 300, 300}));
  // 19²·3 + (10² + 5² + 3² + 2² + 1²)·6 anchors, the 1917 of the TF SSD MobileNet models.
  EXPECT_EQ(g.info(g.outputs[0]).shape, (Shape{2, 1917, 4}));
  EXPECT_EQ(g.info(g.outputs[1]).shape, (Shape{2, 1917, mobiledet::kNumClassSlots}));
  EXPECT_EQ(mobiledet::feature_map_sizes(g),
            (std::vector<mobiledet::GridSize>{{19, 19}, {10, 10}, {5, 5}, {3, 3}, {2, 2}, {1, 1}}));
  EXPECT_EQ(mobiledet::ssdlite_anchors(g).size(), 1917u);
  // The kernel_size-1 predictor reads the feature map directly (no depthwise before it).
  EXPECT_EQ(g.info("head.0.box.conv").shape, (Shape{2, 12, 19, 19}));
  const Node* box0 = nullptr;
  for (const Node& n : g.nodes)
    if (n.name == "head.0.box.conv") box0 = &n;
  ASSERT_NE(box0, nullptr);
  EXPECT_EQ(g.info(box0->inputs[1]).shape, (Shape{12, GetParam().stride16_channels, 1, 1}));
}

TEST_P(Detector, BatchScalesMacsNotParams) {
  const Graph one = build_ssd(GetParam().version, 1), three = build_ssd(GetParam().version, 3);
  EXPECT_EQ(three.mac_count(), 3 * one.mac_count());
  EXPECT_EQ(three.param_count(), one.param_count());
}

INSTANTIATE_TEST_SUITE_P(SsdMobileNet, Detector, ::testing::Values(DetectorCase{Version::v1, 512}, DetectorCase{Version::v2, 576}),
                         [](const auto& info) { return std::string(info.param.name()); });

TEST(MobileNetWorkloads, NamesAndBadOptions) {
  const auto all = make_workloads();
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0]->name(), "mobilenet-v1");
  EXPECT_EQ(all[1]->name(), "mobilenet-v2");
  EXPECT_EQ(all[2]->name(), "ssd-mobilenet-v1");
  EXPECT_EQ(all[3]->name(), "ssd-mobilenet-v2");
  EXPECT_THROW(all[0]->build({.task = "seg"}), std::invalid_argument);
  EXPECT_THROW(all[2]->build({.task = "", .batch = 0}), std::invalid_argument);
}

TEST(MobileNetWorkloads, ClassifierDescribesItsTopFive) {
  const auto all = make_workloads();
  const Graph g = all[0]->build({});
  std::vector<float> logits(static_cast<std::size_t>(kImageNetClassSlots), 0.0f);
  logits[7] = 5.0f;
  logits[3] = 4.0f;
  std::vector<Tensor> outputs;
  outputs.push_back(Tensor::from_f32({1, kImageNetClassSlots}, logits));
  const auto j = all[0]->describe_outputs(g, Weights{}, {}, outputs);
  ASSERT_EQ(j["top5"].size(), 5u);
  EXPECT_EQ(j["top5"][0]["class"], 7);
  EXPECT_EQ(j["top5"][1]["class"], 3);
  EXPECT_GT(j["top5"][0]["probability"].get<double>(), j["top5"][1]["probability"].get<double>());
  std::vector<Tensor> wrong;
  wrong.push_back(Tensor::from_f32({1, 10}, std::vector<float>(10, 0.0f)));
  EXPECT_THROW(all[0]->describe_outputs(g, Weights{}, {}, wrong), std::invalid_argument);
}

}  // namespace
}  // namespace eb::mobilenet
