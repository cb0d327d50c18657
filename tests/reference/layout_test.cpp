// Data movement (concat, reshape, transpose, slice) and bilinear resizing in its three
// coordinate modes.
#include <gtest/gtest.h>

#include <vector>

#include "core/reference/kernels.h"
#include "core/shape_inference.h"
#include "tests/reference/eval.h"

namespace eb {
namespace {

using test::eval;

Tensor iota(Shape s) {
  Tensor t(DType::f32, std::move(s));
  float v = 0;
  for (auto& x : t.data<float>()) x = v++;
  return t;
}

TEST(Concat, AlongEachAxis) {
  const Tensor a = iota({2, 2});                                      // [[0, 1], [2, 3]]
  const Tensor b = Tensor::from_f32({2, 1}, {10, 20});               // column
  const Tensor c = Tensor::from_f32({1, 2}, {7, 8});                 // row
  Node n{"cat", OpKind::concat, ConcatAttrs{1}, {"a", "b"}};
  EXPECT_EQ(eval(n, {&a, &b}), Tensor::from_f32({2, 3}, {0, 1, 10, 2, 3, 20}));
  n.attrs = ConcatAttrs{-1};
  EXPECT_EQ(eval(n, {&b, &a, &b}), Tensor::from_f32({2, 4}, {10, 0, 1, 10, 20, 2, 3, 20}));
  n.attrs = ConcatAttrs{0};
  EXPECT_EQ(eval(n, {&a, &c}), Tensor::from_f32({3, 2}, {0, 1, 2, 3, 7, 8}));
}

TEST(Reshape, KeepsDataAndInfersMinusOne) {
  const Tensor x = iota({2, 3, 4});
  Node n{"r", OpKind::reshape, ReshapeAttrs{{4, -1}}, {"x"}};
  const Tensor y = eval(n, {&x});
  EXPECT_EQ(y.shape(), (Shape{4, 6}));
  EXPECT_EQ(y, iota({4, 6}));
}

TEST(Transpose, TwoAndFourDimensions) {
  Node n{"t", OpKind::transpose, TransposeAttrs{{1, 0}}, {"x"}};
  const Tensor m = iota({2, 3});  // [[0,1,2],[3,4,5]]
  EXPECT_EQ(eval(n, {&m}), Tensor::from_f32({3, 2}, {0, 3, 1, 4, 2, 5}));
  // NCHW → NHWC on [1, 2, 2, 3]: y[0][h][w][c] = x[0][c][h][w] = c·6 + h·3 + w
  n.attrs = TransposeAttrs{{0, 2, 3, 1}};
  const Tensor x = iota({1, 2, 2, 3});
  EXPECT_EQ(eval(n, {&x}), Tensor::from_f32({1, 2, 3, 2}, {0, 6, 1, 7, 2, 8, 3, 9, 4, 10, 5, 11}));
  // a 3-cycle on [2, 3, 4]: y[i][j][k] = x[j][k][i] with y shape [4, 2, 3]
  n.attrs = TransposeAttrs{{2, 0, 1}};
  const Tensor z = iota({2, 3, 4});
  const Tensor y = eval(n, {&z});
  ASSERT_EQ(y.shape(), (Shape{4, 2, 3}));
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 2; ++j)
      for (int k = 0; k < 3; ++k) EXPECT_EQ(y.data<float>()[static_cast<std::size_t>((i * 2 + j) * 3 + k)], j * 12 + k * 4 + i);
}

TEST(Slice, MiddleAndLastAxis) {
  const Tensor x = iota({2, 3, 2});  // x[i][j][k] = 6i + 2j + k
  Node n{"s", OpKind::slice, SliceAttrs{1, 1, 3}, {"x"}};
  EXPECT_EQ(eval(n, {&x}), Tensor::from_f32({2, 2, 2}, {2, 3, 4, 5, 8, 9, 10, 11}));
  n.attrs = SliceAttrs{-1, 1, 2};
  EXPECT_EQ(eval(n, {&x}), Tensor::from_f32({2, 3, 1}, {1, 3, 5, 7, 9, 11}));
  n.attrs = SliceAttrs{0, 0, 1};
  EXPECT_EQ(eval(n, {&x}), Tensor::from_f32({1, 3, 2}, {0, 1, 2, 3, 4, 5}));
}

// Input [[0, 1], [2, 7]]: bilinear interpolation of it is f(y, x) = x + 2y + 4xy for
// (y, x) in [0,1]², so each mode's expected output follows from its source coordinates
// (clamped to [0, 1]) alone:
//   align_corners:      src = dst·(2−1)/(4−1)      = 0, 1/3, 2/3, 1
//   half_pixel_centers: src = (dst+0.5)·2/4 − 0.5  = −0.25→0, 0.25, 0.75, 1.25→1
//   legacy:             src = dst·2/4              = 0, 0.5, 1, 1.5→1
void check_resize(bool align, bool half, const std::vector<double>& src) {
  const Tensor x = Tensor::from_f32({1, 1, 2, 2}, {0, 1, 2, 7});
  Node n{"rs", OpKind::resize_bilinear, ResizeAttrs{4, 4, align, half}, {"x"}};
  const Tensor y = eval(n, {&x});
  ASSERT_EQ(y.shape(), (Shape{1, 1, 4, 4}));
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) {
      const double sy = src[static_cast<std::size_t>(i)], sx = src[static_cast<std::size_t>(j)];
      EXPECT_NEAR(y.data<float>()[static_cast<std::size_t>(i * 4 + j)], sx + 2 * sy + 4 * sx * sy, 1e-6)
          << "align=" << align << " half=" << half << " at " << i << "," << j;
    }
}

TEST(ResizeBilinear, AlignCorners) { check_resize(true, false, {0, 1.0 / 3, 2.0 / 3, 1}); }
TEST(ResizeBilinear, HalfPixelCenters) { check_resize(false, true, {0, 0.25, 0.75, 1}); }
TEST(ResizeBilinear, LegacyTf1) { check_resize(false, false, {0, 0.5, 1, 1}); }

TEST(ResizeBilinear, NonSquareAndDownscale) {
  // [1,2,1,4] → [1,2,1,2] half-pixel: src x = (dst+0.5)·2 − 0.5 = 0.5, 2.5
  const Tensor x = Tensor::from_f32({1, 2, 1, 4}, {0, 1, 2, 3, 10, 20, 30, 40});
  Node n{"rs", OpKind::resize_bilinear, ResizeAttrs{1, 2, false, true}, {"x"}};
  EXPECT_EQ(eval(n, {&x}), Tensor::from_f32({1, 2, 1, 2}, {0.5f, 2.5f, 15, 35}));
  // align_corners to a single output column samples the first input column
  n.attrs = ResizeAttrs{1, 1, true, false};
  EXPECT_EQ(eval(n, {&x}), Tensor::from_f32({1, 2, 1, 1}, {0, 10}));
}

}  // namespace
}  // namespace eb
