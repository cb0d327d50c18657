// param_count and mac_count on small graphs with totals worked out by hand.
#include <gtest/gtest.h>

#include "core/graph.h"

namespace eb {
namespace {

TEST(Cost, ConvAndLinear) {
  GraphBuilder b("g");
  const auto x = b.input("x", {1, 3, 8, 8});
  Conv2dAttrs c;
  c.pad = {1, 1, 1, 1};
  c.has_bias = true;
  const auto w = b.weight("w", {8, 3, 3, 3}, WeightInit::zeros());
  const auto bias = b.weight("b", {8}, WeightInit::zeros());
  auto y = b.add(OpKind::conv2d, c, {x, w, bias}, "conv");                       // [1, 8, 8, 8]
  Conv2dAttrs dw;
  dw.groups = 8;
  dw.stride = {2, 2};
  dw.pad = {0, 0, 1, 1};
  dw.has_batch_norm = true;
  const auto dww = b.weight("dw", {8, 1, 3, 3}, WeightInit::zeros());
  std::vector<std::string> in{y, dww};
  for (const char* s : {"g", "be", "m", "v"}) in.push_back(b.weight(s, {8}, WeightInit::ones()));
  y = b.add(OpKind::conv2d, dw, in, "dwconv");                                    // [1, 8, 4, 4]
  y = b.add(OpKind::global_avg_pool, NoAttrs{}, {y}, "gap");                       // [1, 8, 1, 1]
  y = b.add(OpKind::reshape, ReshapeAttrs{{1, 8}}, {y}, "flat");
  const auto fw = b.weight("fw", {10, 8}, WeightInit::zeros());
  const auto fb = b.weight("fb", {10}, WeightInit::zeros());
  b.output(b.add(OpKind::linear, LinearAttrs{}, {y, fw, fb}, "fc"));
  const Graph g = b.finish();
  // params: conv 8·3·9 + 8 = 224; depthwise 8·9 = 72 plus 4·8 = 32 of batch norm; fc 80 + 10
  EXPECT_EQ(g.param_count(), 224 + 72 + 32 + 90);
  // MACs: conv 8·8·8 outputs × 27 = 13824; depthwise 8·4·4 × 9 = 1152; fc 10·8 = 80
  EXPECT_EQ(g.mac_count(), 13824 + 1152 + 80);
}

TEST(Cost, AttentionMatmulAndMoe) {
  GraphBuilder b("t");
  const auto x = b.input("x", {1, 10, 24});
  auto a = b.add(OpKind::attention, AttentionAttrs{2}, {x}, "attn");  // [1, 10, 8]
  const MoeAttrs m{4, 2, 16, Activation::gelu, false};
  std::vector<std::string> in{a};
  in.push_back(b.weight("gate", {8, 4}, WeightInit::zeros()));
  in.push_back(b.weight("w1", {4, 16, 8}, WeightInit::zeros()));
  in.push_back(b.weight("b1", {4, 16}, WeightInit::zeros()));
  in.push_back(b.weight("w2", {4, 8, 16}, WeightInit::zeros()));
  in.push_back(b.weight("b2", {4, 8}, WeightInit::zeros()));
  auto y = b.add(OpKind::moe, m, in, "moe");
  y = b.add(OpKind::matmul, MatmulAttrs{true}, {y, y}, "gram");  // [1, 10, 10] over K = 8
  b.output(y);
  const Graph g = b.finish();
  // params: 32 + 512 + 64 + 512 + 32
  EXPECT_EQ(g.param_count(), 1152);
  // attention: Q·Kᵀ and A·V, each 10·10·8 → 1600
  // moe: gate 10 tokens · 8 · 4 = 320, plus 10 tokens · top-2 · (8·16 + 16·8) = 5120
  // matmul: 10·10 outputs · 8 = 800
  EXPECT_EQ(g.mac_count(), 1600 + 320 + 5120 + 800);
}

}  // namespace
}  // namespace eb
