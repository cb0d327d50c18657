// M³ViT graphs: shapes for both tasks and batch sizes, the published size of the
// backbone, the weight names a checkpoint converter targets, and argument errors.
#include <gtest/gtest.h>

#include <string>

#include "core/fold_batch_norm.h"
#include "core/seeded_init.h"
#include "models/m3vit/m3vit.h"

namespace eb::m3vit {
namespace {

const Shape& output_shape(const Graph& g) { return g.info(g.outputs.at(0)).shape; }

TEST(M3vitGraph, BackboneTokens) {
  const Graph g = build_backbone();
  ASSERT_EQ(g.inputs.size(), 1u);
  EXPECT_EQ(g.info("image").shape, (Shape{1, 3, 128, 256}));
  ASSERT_EQ(g.outputs.size(), 1u);
  EXPECT_EQ(g.outputs[0], "blocks.11");
  EXPECT_EQ(output_shape(g), (Shape{1, 129, 192}));
  EXPECT_EQ(output_shape(build_backbone("depth", 2)), (Shape{2, 129, 192}));
}

TEST(M3vitGraph, HeadOutputPerTask) {
  EXPECT_EQ(output_shape(build_model("seg")), (Shape{1, 7, 128, 256}));
  EXPECT_EQ(output_shape(build_model("depth")), (Shape{1, 1, 128, 256}));
  EXPECT_EQ(output_shape(build_model("seg", 2)), (Shape{2, 7, 128, 256}));
  EXPECT_EQ(output_shape(build_model("", 2)), (Shape{2, 7, 128, 256}));  // seg is the default
  EXPECT_EQ(output_shape(build_model("depth", 2)), (Shape{2, 1, 128, 256}));
}

TEST(M3vitGraph, BlocksAlternateDenseAndMoe) {
  const Graph g = build_backbone();
  int moe = 0, attention = 0, layernorm = 0;
  for (const Node& n : g.nodes) {
    if (n.op == OpKind::moe) {
      ++moe;
      const auto& a = n.attr<MoeAttrs>();
      EXPECT_EQ(a.experts, 16);
      EXPECT_EQ(a.top_k, 2);
      EXPECT_EQ(a.hidden, 384);
      EXPECT_EQ(a.act, Activation::gelu);
      EXPECT_FALSE(a.renormalize);
      EXPECT_EQ(n.name, "blocks." + std::to_string(2 * moe - 1) + ".mlp");
    }
    if (n.op == OpKind::attention) {
      ++attention;
      EXPECT_EQ(n.attr<AttentionAttrs>().heads, 3);
    }
    if (n.op == OpKind::layernorm) {
      ++layernorm;
      EXPECT_EQ(n.attr<LayerNormAttrs>().eps, 1e-6f);
    }
  }
  EXPECT_EQ(moe, 6);
  EXPECT_EQ(attention, 12);
  EXPECT_EQ(layernorm, 24);  // no final norm in the backbone
  EXPECT_EQ(g.producer("blocks.2.mlp.fc1")->attr<LinearAttrs>().act, Activation::gelu);
  EXPECT_EQ(routed_task(g).name, "seg");
  EXPECT_EQ(routed_task(build_backbone("depth")).name, "depth");
}

TEST(M3vitGraph, BackboneSizeMatchesEdgeMoe) {
  for (const char* task : {"seg", "depth"}) {
    const Graph g = build_backbone(task);
    EXPECT_EQ(g.param_count(), 17'983'680) << task;  // both tasks' gates included
    EXPECT_EQ(g.mac_count(), 782'719'488) << task;
    EXPECT_NEAR(static_cast<double>(g.param_count()), 17.98e6, 0.01 * 17.98e6);
    EXPECT_NEAR(static_cast<double>(g.mac_count()), 0.785e9, 0.02 * 0.785e9);
  }
  EXPECT_EQ(build_backbone("seg", 2).mac_count(), 2 * 782'719'488);
}

TEST(M3vitGraph, WeightNamesFollowTimm) {
  const Graph g = build_model("seg");
  const auto shape = [&](const std::string& name) { return g.weight(name).shape; };
  EXPECT_EQ(shape("patch_embed.proj.weight"), (Shape{192, 3, 16, 16}));
  EXPECT_EQ(shape("patch_embed.proj.bias"), (Shape{192}));
  EXPECT_EQ(shape("cls_token"), (Shape{1, 1, 192}));
  EXPECT_EQ(shape("pos_embed"), (Shape{1, 129, 192}));
  EXPECT_EQ(shape("blocks.3.norm1.weight"), (Shape{192}));
  EXPECT_EQ(shape("blocks.3.attn.qkv.weight"), (Shape{576, 192}));
  EXPECT_EQ(shape("blocks.3.attn.proj.bias"), (Shape{192}));
  EXPECT_EQ(shape("blocks.2.mlp.fc1.weight"), (Shape{768, 192}));
  EXPECT_EQ(shape("blocks.2.mlp.fc2.weight"), (Shape{192, 768}));
  EXPECT_EQ(shape("blocks.1.mlp.gate.seg"), (Shape{192, 16}));
  EXPECT_EQ(shape("blocks.1.mlp.gate.depth"), (Shape{192, 16}));
  EXPECT_EQ(shape("blocks.11.mlp.experts.fc1.weight"), (Shape{16, 384, 192}));
  EXPECT_EQ(shape("blocks.11.mlp.experts.fc1.bias"), (Shape{16, 384}));
  EXPECT_EQ(shape("blocks.11.mlp.experts.fc2.weight"), (Shape{16, 192, 384}));
  EXPECT_EQ(shape("blocks.11.mlp.experts.fc2.bias"), (Shape{16, 192}));
  EXPECT_EQ(shape("heads.seg.norm.weight"), (Shape{192}));
  EXPECT_EQ(shape("heads.seg.stages.0.conv.weight"), (Shape{256, 192, 3, 3}));
  EXPECT_EQ(shape("heads.seg.stages.3.conv.weight"), (Shape{256, 256, 3, 3}));
  EXPECT_EQ(shape("heads.seg.stages.3.bn.running_var"), (Shape{256}));
  EXPECT_EQ(shape("heads.seg.pred.weight"), (Shape{7, 256, 1, 1}));
  EXPECT_FALSE(g.has_tensor("heads.depth.pred.weight"));
  EXPECT_FALSE(g.has_tensor("blocks.2.mlp.gate.seg"));  // dense block
}

TEST(M3vitGraph, HeadUpsamplesLikePytorch) {
  const Graph g = build_model("depth");
  int resizes = 0;
  for (const Node& n : g.nodes)
    if (n.op == OpKind::resize_bilinear) {
      ++resizes;
      EXPECT_FALSE(n.attr<ResizeAttrs>().align_corners);
      EXPECT_TRUE(n.attr<ResizeAttrs>().half_pixel_centers);
    }
  EXPECT_EQ(resizes, 4);
  EXPECT_EQ(g.info("heads.depth.stages.0.conv").shape, (Shape{1, 256, 8, 16}));
  EXPECT_EQ(g.info("heads.depth.stages.3.upsample").shape, (Shape{1, 256, 128, 256}));
}

TEST(M3vitGraph, BatchNormFoldsAndTheUnusedGateIsDropped) {
  const Graph g = build_model("seg");
  const FoldedModel f = fold_batch_norm(g, init_weights(g, 0));
  for (const Node& n : f.graph.nodes) {
    if (n.op == OpKind::conv2d) {
      EXPECT_FALSE(n.attr<Conv2dAttrs>().has_batch_norm) << n.name;
    }
  }
  EXPECT_FALSE(f.weights.contains("blocks.1.mlp.gate.depth"));
  EXPECT_TRUE(f.weights.contains("blocks.1.mlp.gate.seg"));
  EXPECT_EQ(f.graph.info(f.graph.outputs[0]).shape, (Shape{1, 7, 128, 256}));
  const Graph b = build_backbone("depth");
  EXPECT_NO_THROW(fold_batch_norm(b, init_weights(b, 0)));
}

TEST(M3vitGraph, RejectsUnknownTaskAndBadBatch) {
  for (const auto& build : {build_backbone, build_model}) {
    try {
      build("classification", 1);
      ADD_FAILURE() << "no exception for an unknown task";
    } catch (const std::invalid_argument& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("unknown task 'classification'"), std::string::npos) << what;
      EXPECT_NE(what.find("seg, depth"), std::string::npos) << what;
    }
    EXPECT_THROW(build("seg", 0), std::invalid_argument);
    EXPECT_THROW(build("depth", -3), std::invalid_argument);
  }
}

TEST(M3vitGraph, Workloads) {
  const auto all = make_workloads();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0]->name(), "m3vit-backbone");
  EXPECT_EQ(all[1]->name(), "m3vit");
  for (const auto& w : all) {
    EXPECT_EQ(w->tasks(), (std::vector<std::string>{"seg", "depth"}));
    EXPECT_FALSE(w->description().empty());
    EXPECT_THROW(w->build({.task = "nope"}), std::invalid_argument);
    EXPECT_THROW(w->build({.task = "seg", .batch = 0}), std::invalid_argument);
  }
  EXPECT_EQ(output_shape(all[0]->build({.task = "depth", .batch = 2})), (Shape{2, 129, 192}));
  EXPECT_EQ(output_shape(all[1]->build({.task = "depth", .batch = 2})), (Shape{2, 1, 128, 256}));
}

}  // namespace
}  // namespace eb::m3vit
