// Tensor: shapes, typed access errors, reshape, conversions with rounding and saturation.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <utility>

#include "core/tensor.h"

namespace eb {
namespace {

TEST(Tensor, ShapeAndZeroFill) {
  Tensor t(DType::f32, {2, 3, 4});
  EXPECT_EQ(t.rank(), 3);
  EXPECT_EQ(t.numel(), 24);
  EXPECT_EQ(t.nbytes(), 96u);
  EXPECT_EQ(t.dim(0), 2);
  EXPECT_EQ(t.dim(-1), 4);
  EXPECT_EQ(t.dim(-3), 2);
  EXPECT_THROW(t.dim(3), std::out_of_range);
  EXPECT_THROW(t.dim(-4), std::out_of_range);
  for (float v : t.data<float>()) EXPECT_EQ(v, 0.0f);
  EXPECT_EQ(Tensor(DType::i16, {5}).nbytes(), 10u);
  EXPECT_TRUE(Tensor(DType::f32, {0, 3}).empty());
  EXPECT_EQ(Tensor(DType::f32, {}).numel(), 1);  // a scalar
  EXPECT_THROW(Tensor(DType::f32, {2, -1}), std::invalid_argument);
  EXPECT_EQ(to_string(Shape{1, 3, 128, 256}), "[1, 3, 128, 256]");
  EXPECT_EQ(to_string(Shape{}), "[]");
}

TEST(Tensor, TypedAccessChecksTheDtype) {
  Tensor t(DType::f16, {2});
  EXPECT_EQ(t.data<f16>().size(), 2u);
  EXPECT_THROW(t.data<float>(), std::logic_error);
  EXPECT_THROW(t.data<bf16>(), std::logic_error);
  try {
    (void)std::as_const(t).data<std::int8_t>();
    FAIL();
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("f16"), std::string::npos) << e.what();
  }
}

TEST(Tensor, FromValues) {
  const Tensor t = Tensor::from_f32({2, 2}, {1, 2, 3, 4});
  EXPECT_EQ(t.data<float>()[3], 4.0f);
  EXPECT_THROW(Tensor::from_f32({2, 2}, {1, 2, 3}), std::invalid_argument);
  const std::int32_t v[] = {7, -8};
  const Tensor i = Tensor::from<std::int32_t>({2}, v);
  EXPECT_EQ(i.dtype(), DType::i32);
  EXPECT_EQ(i.data<std::int32_t>()[1], -8);
}

TEST(Tensor, ReshapeKeepsData) {
  const Tensor t = Tensor::from_f32({2, 3}, {1, 2, 3, 4, 5, 6});
  const Tensor r = t.reshaped({3, 2});
  EXPECT_EQ(r.shape(), (Shape{3, 2}));
  EXPECT_EQ(r.data<float>()[5], 6.0f);
  EXPECT_EQ(t.shape(), (Shape{2, 3}));  // the lvalue overload copies
  EXPECT_THROW(t.reshaped({4, 2}), std::invalid_argument);
  Tensor m = t;
  const Tensor moved = std::move(m).reshaped({6});
  EXPECT_EQ(moved.shape(), Shape{6});
}

TEST(Tensor, Equality) {
  const Tensor a = Tensor::from_f32({2}, {1, 2});
  EXPECT_EQ(a, Tensor::from_f32({2}, {1, 2}));
  EXPECT_NE(a, Tensor::from_f32({2}, {1, 3}));
  EXPECT_NE(a, a.reshaped({1, 2}));
  EXPECT_NE(a, a.to(DType::f16));
}

TEST(Tensor, ToIntegerRoundsToNearestEvenAndSaturates) {
  const Tensor f = Tensor::from_f32({9}, {2.5f, -2.5f, 3.5f, 1.49f, -0.6f, 300, -300, std::nanf(""), 127.5f});
  const Tensor i8 = f.to(DType::i8);
  const std::vector<std::int8_t> want{2, -2, 4, 1, -1, 127, -128, 0, 127};
  for (std::size_t k = 0; k < want.size(); ++k) EXPECT_EQ(i8.data<std::int8_t>()[k], want[k]) << k;
  const Tensor u8 = f.to(DType::u8);
  const std::vector<std::uint8_t> want_u{2, 0, 4, 1, 0, 255, 0, 0, 128};
  for (std::size_t k = 0; k < want_u.size(); ++k) EXPECT_EQ(u8.data<std::uint8_t>()[k], want_u[k]) << k;
  const Tensor big = Tensor::from_f32({2}, {1e20f, -1e20f});
  EXPECT_EQ(big.to(DType::i32).data<std::int32_t>()[0], std::numeric_limits<std::int32_t>::max());
  EXPECT_EQ(big.to(DType::i16).data<std::int16_t>()[1], std::numeric_limits<std::int16_t>::min());
}

TEST(Tensor, ToFloatFormats) {
  const Tensor f = Tensor::from_f32({3}, {1.0f + 0x1p-11f, 65520.0f, 0.1f});
  const Tensor h = f.to(DType::f16);
  EXPECT_EQ(h.data<f16>()[0].bits, 0x3c00);  // tie to even
  EXPECT_EQ(h.data<f16>()[1].bits, 0x7c00);  // overflow to infinity
  EXPECT_EQ(h.data<f16>()[2].bits, 0x2e66);
  const Tensor back = h.to(DType::f32);
  EXPECT_EQ(back.data<float>()[0], 1.0f);
  EXPECT_TRUE(std::isinf(back.data<float>()[1]));
  EXPECT_EQ(f.to(DType::bf16).data<bf16>()[0].bits, 0x3f80);
  const std::int32_t iv[] = {-3, 16777217};
  const Tensor i = Tensor::from<std::int32_t>({2}, iv);
  EXPECT_EQ(i.to(DType::f32).data<float>()[0], -3.0f);
  EXPECT_EQ(i.to(DType::f32).data<float>()[1], 16777216.0f);  // nearest float
  EXPECT_EQ(i.to(DType::i32), i);  // same dtype: unchanged copy
}

}  // namespace
}  // namespace eb
