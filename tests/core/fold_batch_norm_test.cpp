// Batch-norm folding: the folded graph computes what the unfolded one does (the reference
// conv2d evaluates batch norm directly) and has no batch norm left.
#include <gtest/gtest.h>

#include <cmath>

#include "core/fold_batch_norm.h"
#include "core/reference/reference_backend.h"
#include "core/seeded_init.h"

namespace eb {
namespace {

// conv(+bias)+BN+relu6 → depthwise conv+BN (no bias) → plain conv with bias
Graph bn_graph() {
  GraphBuilder b("bn");
  auto x = b.input("x", {1, 3, 9, 9});
  auto bn_params = [&](const std::string& p, std::int64_t c) {
    return std::vector<std::string>{b.weight(p + ".gamma", {c}, WeightInit::uniform(0.5, 1.5)),
                                    b.weight(p + ".beta", {c}, WeightInit::uniform(-0.5, 0.5)),
                                    b.weight(p + ".mean", {c}, WeightInit::uniform(-0.3, 0.3)),
                                    b.weight(p + ".var", {c}, WeightInit::uniform(0.05, 2.0))};
  };
  Conv2dAttrs c1;
  c1.pad = {1, 1, 1, 1};
  c1.has_bias = true;
  c1.has_batch_norm = true;
  c1.act = Activation::relu6;
  std::vector<std::string> in{x, b.weight("c1.w", {6, 3, 3, 3}, WeightInit::with_std(0.3)),
                              b.weight("c1.b", {6}, WeightInit::with_std(0.1))};
  for (auto& s : bn_params("c1.bn", 6)) in.push_back(s);
  auto y = b.add(OpKind::conv2d, c1, in, "c1");
  Conv2dAttrs c2;
  c2.groups = 6;
  c2.stride = {2, 2};
  c2.pad = {0, 0, 1, 1};
  c2.has_batch_norm = true;
  c2.bn_eps = 1e-5f;
  in = {y, b.weight("c2.w", {6, 1, 3, 3}, WeightInit::with_std(0.5))};
  for (auto& s : bn_params("c2.bn", 6)) in.push_back(s);
  y = b.add(OpKind::conv2d, c2, in, "c2");
  Conv2dAttrs c3;
  c3.has_bias = true;
  y = b.add(OpKind::conv2d, c3, {y, b.weight("c3.w", {4, 6, 1, 1}, WeightInit::with_std(0.4)), b.weight("c3.b", {4}, WeightInit::zeros())}, "c3");
  b.output(y);
  return b.finish();
}

TEST(FoldBatchNorm, MatchesUnfoldedReference) {
  const Graph g = bn_graph();
  const Weights w = init_weights(g, 5);
  const auto in = random_inputs(g, 6);
  const FoldedModel f = fold_batch_norm(g, w);
  const auto want = run_reference_all(g, w, in);
  const auto got = run_reference_all(f.graph, f.weights, in);
  for (const char* name : {"c1", "c2", "c3"}) {
    const auto a = got.at(name).data<float>();
    const auto b = want.at(name).data<float>();
    ASSERT_EQ(a.size(), b.size());
    double max_err = 0;
    for (std::size_t i = 0; i < a.size(); ++i) max_err = std::max(max_err, std::abs(static_cast<double>(a[i]) - b[i]) / (1 + std::abs(b[i])));
    // the folded weights are rounded to float once: a few float ulps, no more
    EXPECT_LT(max_err, 2e-6) << name;
  }
  // and the outputs are not trivially equal because batch norm did something
  const Weights no_bn = [&] {
    Weights c = w;
    for (const char* p : {"c1.bn", "c2.bn"}) {
      c.set(std::string(p) + ".gamma", Tensor::from_f32({6}, {1, 1, 1, 1, 1, 1}));
      c.set(std::string(p) + ".var", Tensor::from_f32({6}, {1, 1, 1, 1, 1, 1}));
    }
    return c;
  }();
  EXPECT_NE(run_reference_all(g, no_bn, in).at("c3"), want.at("c3"));
}

TEST(FoldBatchNorm, LeavesNoBatchNorm) {
  const Graph g = bn_graph();
  const FoldedModel f = fold_batch_norm(g, init_weights(g, 5));
  EXPECT_NO_THROW(f.graph.validate());
  EXPECT_NO_THROW(f.weights.check_against(f.graph));
  for (const auto& n : f.graph.nodes)
    if (n.op == OpKind::conv2d) {
      EXPECT_FALSE(n.attr<Conv2dAttrs>().has_batch_norm) << n.name;
      EXPECT_TRUE(n.attr<Conv2dAttrs>().has_bias) << n.name;
      EXPECT_EQ(n.inputs.size(), 3u) << n.name;
    }
  for (const auto& spec : f.graph.weights) EXPECT_EQ(spec.name.find(".bn."), std::string::npos) << spec.name;
  // 8 batch-norm vectors of 6 are gone; c2, which had no bias, gained one of 6.
  EXPECT_EQ(g.param_count() - f.graph.param_count(), 8 * 6 - 6);
  EXPECT_EQ(f.graph.mac_count(), g.mac_count());
}

}  // namespace
}  // namespace eb
