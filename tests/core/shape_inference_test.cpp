// Shape inference for every operator, including the error cases (messages name the node).
#include <gtest/gtest.h>

#include "core/shape_inference.h"

namespace eb {
namespace {

Shape infer(OpKind op, OpAttrs a, std::vector<Shape> in) {
  Node n{"n1", op, std::move(a), {}};
  for (std::size_t i = 0; i < in.size(); ++i) {
    std::string name = "t";  // (not "t" + to_string: GCC 12 warns falsely, bug 105329)
    name += std::to_string(i);
    n.inputs.push_back(std::move(name));
  }
  return infer_shape(n, in);
}

void expect_error(OpKind op, OpAttrs a, std::vector<Shape> in, const char* needle = "") {
  try {
    infer(op, std::move(a), std::move(in));
    ADD_FAILURE() << "expected an error for " << op_name(op);
  } catch (const std::invalid_argument& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("'n1'"), std::string::npos) << m;
    EXPECT_NE(m.find(needle), std::string::npos) << m;
  }
}

Conv2dAttrs conv(std::array<int, 2> s, std::array<int, 4> p, std::array<int, 2> d = {1, 1}, int groups = 1) {
  Conv2dAttrs a;
  a.stride = s;
  a.pad = p;
  a.dilation = d;
  a.groups = groups;
  return a;
}

TEST(ShapeInference, Conv2d) {
  // 224 with a 3x3 stride-2 kernel and TF SAME padding (0 top/left, 1 bottom/right): 112
  EXPECT_EQ(infer(OpKind::conv2d, conv({2, 2}, {0, 0, 1, 1}), {{1, 3, 224, 224}, {32, 3, 3, 3}}), (Shape{1, 32, 112, 112}));
  // dilation 2 widens a 3x3 kernel to 5x5: 10 − 5 + 1 = 6 rows; 9 + 2 + 2 − 5 + 1 = 9 cols
  EXPECT_EQ(infer(OpKind::conv2d, conv({1, 1}, {0, 2, 0, 2}, {2, 2}), {{2, 4, 10, 9}, {8, 4, 3, 3}}), (Shape{2, 8, 6, 9}));
  EXPECT_EQ(infer(OpKind::conv2d, conv({1, 1}, {1, 1, 1, 1}, {1, 1}, 16), {{1, 16, 7, 7}, {16, 1, 3, 3}}), (Shape{1, 16, 7, 7}));
  Conv2dAttrs bn = conv({1, 1}, {0, 0, 0, 0});
  bn.has_bias = true;
  bn.has_batch_norm = true;
  EXPECT_EQ(infer(OpKind::conv2d, bn, {{1, 2, 3, 3}, {4, 2, 1, 1}, {4}, {4}, {4}, {4}, {4}}), (Shape{1, 4, 3, 3}));
  expect_error(OpKind::conv2d, bn, {{1, 2, 3, 3}, {4, 2, 1, 1}, {4}}, "inputs");
  bn.has_batch_norm = false;
  expect_error(OpKind::conv2d, bn, {{1, 2, 3, 3}, {4, 2, 1, 1}, {5}}, "bias");
  expect_error(OpKind::conv2d, conv({1, 1}, {0, 0, 0, 0}), {{1, 3, 8, 8}, {4, 2, 3, 3}}, "input channels");
  expect_error(OpKind::conv2d, conv({1, 1}, {0, 0, 0, 0}, {1, 1}, 3), {{1, 4, 8, 8}, {6, 1, 3, 3}}, "groups");
  expect_error(OpKind::conv2d, conv({1, 1}, {0, 0, 0, 0}), {{1, 3, 2, 2}, {4, 3, 3, 3}}, "larger");
  expect_error(OpKind::conv2d, conv({0, 1}, {0, 0, 0, 0}), {{1, 3, 8, 8}, {4, 3, 3, 3}}, "stride");
  expect_error(OpKind::conv2d, conv({1, 1}, {0, 0, 0, 0}), {{3, 8, 8}, {4, 3, 3, 3}}, "rank");
}

TEST(ShapeInference, LinearAndMatmul) {
  EXPECT_EQ(infer(OpKind::linear, LinearAttrs{}, {{2, 197, 384}, {1536, 384}, {1536}}), (Shape{2, 197, 1536}));
  EXPECT_EQ(infer(OpKind::linear, LinearAttrs{Activation::none, false}, {{5}, {3, 5}}), Shape{3});
  expect_error(OpKind::linear, LinearAttrs{}, {{2, 4}, {3, 5}, {3}}, "does not match");
  expect_error(OpKind::linear, LinearAttrs{}, {{2, 5}, {3, 5}, {4}}, "bias");
  EXPECT_EQ(infer(OpKind::matmul, MatmulAttrs{}, {{2, 1, 5, 4}, {3, 4, 6}}), (Shape{2, 3, 5, 6}));
  EXPECT_EQ(infer(OpKind::matmul, MatmulAttrs{true}, {{5, 4}, {6, 4}}), (Shape{5, 6}));
  expect_error(OpKind::matmul, MatmulAttrs{}, {{5, 4}, {5, 4}}, "inner");
  expect_error(OpKind::matmul, MatmulAttrs{}, {{2, 5, 4}, {3, 4, 6}}, "broadcast");
  expect_error(OpKind::matmul, MatmulAttrs{}, {{4}, {4, 6}}, "rank");
}

TEST(ShapeInference, NormalisationAndEltwise) {
  EXPECT_EQ(infer(OpKind::layernorm, LayerNormAttrs{}, {{2, 7, 8}, {8}, {8}}), (Shape{2, 7, 8}));
  expect_error(OpKind::layernorm, LayerNormAttrs{}, {{2, 7, 8}, {7}, {8}}, "gamma");
  EXPECT_EQ(infer(OpKind::softmax, SoftmaxAttrs{-1}, {{3, 4}}), (Shape{3, 4}));
  expect_error(OpKind::softmax, SoftmaxAttrs{2}, {{3, 4}}, "axis");
  for (OpKind op : {OpKind::gelu, OpKind::relu, OpKind::relu6, OpKind::hardswish, OpKind::hardsigmoid, OpKind::sigmoid}) {
    EXPECT_EQ(infer(op, NoAttrs{}, {{1, 2, 3}}), (Shape{1, 2, 3}));
    expect_error(op, NoAttrs{}, {{1}, {1}}, "inputs");
  }
  EXPECT_EQ(infer(OpKind::add, NoAttrs{}, {{2, 1, 4}, {3, 1}}), (Shape{2, 3, 4}));
  EXPECT_EQ(infer(OpKind::mul, NoAttrs{}, {{1, 8, 5, 5}, {1, 8, 1, 1}}), (Shape{1, 8, 5, 5}));
  expect_error(OpKind::add, NoAttrs{}, {{2, 3}, {4}}, "broadcast");
  EXPECT_EQ(broadcast_shapes({}, {2, 2}), (Shape{2, 2}));
  EXPECT_THROW(broadcast_shapes({3}, {2}), std::invalid_argument);
  EXPECT_EQ(infer(OpKind::global_avg_pool, NoAttrs{}, {{2, 8, 5, 7}}), (Shape{2, 8, 1, 1}));
  expect_error(OpKind::global_avg_pool, NoAttrs{}, {{8, 5, 7}}, "rank");
}

TEST(ShapeInference, Layout) {
  EXPECT_EQ(infer(OpKind::concat, ConcatAttrs{1}, {{2, 3}, {2, 5}, {2, 1}}), (Shape{2, 9}));
  EXPECT_EQ(infer(OpKind::concat, ConcatAttrs{-3}, {{1, 2, 3}, {4, 2, 3}}), (Shape{5, 2, 3}));
  expect_error(OpKind::concat, ConcatAttrs{1}, {{2, 3}, {3, 3}}, "does not match");
  expect_error(OpKind::concat, ConcatAttrs{2}, {{2, 3}, {2, 3}}, "axis");
  expect_error(OpKind::concat, ConcatAttrs{0}, {}, "at least one");
  EXPECT_EQ(infer(OpKind::reshape, ReshapeAttrs{{-1, 6}}, {{2, 3, 4}}), (Shape{4, 6}));
  expect_error(OpKind::reshape, ReshapeAttrs{{-1, 5}}, {{2, 3, 4}}, "cannot reshape");
  expect_error(OpKind::reshape, ReshapeAttrs{{-1, -1}}, {{2, 3}}, "more than one");
  expect_error(OpKind::reshape, ReshapeAttrs{{5, 5}}, {{2, 3}}, "cannot reshape");
  EXPECT_EQ(infer(OpKind::transpose, TransposeAttrs{{0, 2, 3, 1}}, {{1, 3, 5, 7}}), (Shape{1, 5, 7, 3}));
  expect_error(OpKind::transpose, TransposeAttrs{{0, 0}}, {{2, 3}}, "permutation");
  expect_error(OpKind::transpose, TransposeAttrs{{0}}, {{2, 3}}, "permutation");
  EXPECT_EQ(infer(OpKind::slice, SliceAttrs{-1, 1, 3}, {{2, 5}}), (Shape{2, 2}));
  expect_error(OpKind::slice, SliceAttrs{0, 1, 3}, {{2, 5}}, "out of range");
  expect_error(OpKind::slice, SliceAttrs{1, 3, 3}, {{2, 5}}, "out of range");
  EXPECT_EQ(infer(OpKind::resize_bilinear, ResizeAttrs{20, 30, false, true}, {{1, 3, 10, 15}}), (Shape{1, 3, 20, 30}));
  expect_error(OpKind::resize_bilinear, ResizeAttrs{0, 30, false, true}, {{1, 3, 10, 15}}, "positive");
}

TEST(ShapeInference, AttentionAndMoe) {
  EXPECT_EQ(infer(OpKind::attention, AttentionAttrs{6}, {{1, 197, 1152}}), (Shape{1, 197, 384}));
  expect_error(OpKind::attention, AttentionAttrs{5}, {{1, 197, 1152}}, "heads");
  expect_error(OpKind::attention, AttentionAttrs{1}, {{1, 197, 100}}, "3");
  const MoeAttrs m{4, 2, 16, Activation::gelu, false};
  EXPECT_EQ(infer(OpKind::moe, m, {{1, 10, 8}, {8, 4}, {4, 16, 8}, {4, 16}, {4, 8, 16}, {4, 8}}), (Shape{1, 10, 8}));
  expect_error(OpKind::moe, m, {{1, 10, 8}, {8, 5}, {4, 16, 8}, {4, 16}, {4, 8, 16}, {4, 8}}, "gate");
  expect_error(OpKind::moe, m, {{1, 10, 8}, {8, 4}, {4, 8, 16}, {4, 16}, {4, 8, 16}, {4, 8}}, "fc1");
  expect_error(OpKind::moe, MoeAttrs{4, 5, 16, Activation::gelu, false},
               {{1, 10, 8}, {8, 4}, {4, 16, 8}, {4, 16}, {4, 8, 16}, {4, 8}}, "top_k");
  expect_error(OpKind::moe, m, {{1, 10, 8}}, "inputs");
}

}  // namespace
}  // namespace eb
