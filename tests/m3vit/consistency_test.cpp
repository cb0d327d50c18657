// The backbone workload is exactly the first part of the full model: same nodes, same
// weights, and on the reference backend the same tokens, bit for bit.
#include <gtest/gtest.h>

#include "core/reference/reference_backend.h"
#include "models/m3vit/m3vit.h"

namespace eb::m3vit {
namespace {

TEST(M3vitConsistency, BackboneIsThePrefixOfTheModel) {
  const Graph backbone = build_backbone("depth"), model = build_model("depth");
  ASSERT_LT(backbone.nodes.size(), model.nodes.size());
  for (std::size_t i = 0; i < backbone.nodes.size(); ++i) {
    const Node &a = backbone.nodes[i], &b = model.nodes[i];
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.op, b.op) << a.name;
    EXPECT_EQ(a.attrs, b.attrs) << a.name;
    EXPECT_EQ(a.inputs, b.inputs) << a.name;
  }
  for (const WeightSpec& w : backbone.weights) EXPECT_EQ(model.weight(w.name).shape, w.shape) << w.name;
}

TEST(M3vitConsistency, BackboneTokensEqualTheModelsTokens) {
  const auto all = make_workloads();
  const Workload &backbone_w = *all[0], &model_w = *all[1];
  const WorkloadOptions opts{.task = "seg", .batch = 1};
  const Graph backbone = backbone_w.build(opts), model = model_w.build(opts);
  const auto inputs = backbone_w.make_inputs(backbone, 0);
  EXPECT_EQ(inputs.at(0), model_w.make_inputs(model, 0).at(0));

  const auto exe = make_reference_backend()->compile(backbone, backbone_w.make_weights(backbone, 0), {});
  const auto tokens = exe->run(inputs);
  const auto values = run_reference_all(model, model_w.make_weights(model, 0), inputs);
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0], values.at(backbone.outputs[0]));
  EXPECT_EQ(values.at(model.outputs[0]).shape(), (Shape{1, 7, 128, 256}));
}

}  // namespace
}  // namespace eb::m3vit
