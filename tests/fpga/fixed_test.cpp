// The fixed-point type: quantisation and overflow modes, exact products, the formats.
#include <gtest/gtest.h>

#include <cmath>

#include "backends/fpga/hw/fixed.h"
#include "backends/fpga/hw/formats.h"

namespace eb::fpga::hw {
namespace {

using Q8_4 = Fixed<8, 4>;                                     // trn, sat
using Q8_4r = Fixed<8, 4, true, Quant::rnd>;                  // rnd, sat
using Q8_4w = Fixed<8, 4, true, Quant::trn, Overflow::wrap>;  // trn, wrap

TEST(Fixed, LayoutFollowsWidthAndIntegerBits) {
  static_assert(act_t::frac_bits == 22 && sizeof(act_t) == 4);
  static_assert(wt_linear_t::frac_bits == 14 && sizeof(wt_linear_t) == 2);
  static_assert(wt_attn_bias_t::frac_bits == 9 && wt_bias_t::frac_bits == 11 && wt_norm_t::frac_bits == 11);
  static_assert(wt_patch_embed_t::frac_bits == 16 && pixel_t::frac_bits == 8 && !pixel_t::is_signed && sizeof(pixel_t) == 1);
  EXPECT_EQ(act_t::max().to_double(), 512.0 - std::ldexp(1.0, -22));
  EXPECT_EQ(act_t::min().to_double(), -512.0);
  EXPECT_EQ(pixel_t::max().to_double(), 255.0 / 256.0);
}

TEST(Fixed, TruncationIsFloorAndRoundingIsHalfUp) {
  EXPECT_EQ(Q8_4::from_double(1.03).raw(), 16);     // 16.48 → 16
  EXPECT_EQ(Q8_4::from_double(-1.03).raw(), -17);   // −16.48 → −17 (toward −∞)
  EXPECT_EQ(Q8_4r::from_double(1.03).raw(), 16);
  EXPECT_EQ(Q8_4r::from_double(1.5 / 16).raw(), 2);    // tie → up
  EXPECT_EQ(Q8_4r::from_double(-1.5 / 16).raw(), -1);  // tie → toward +∞
  // The same from an exact intermediate: 0b1011 with 3 extra fractional bits.
  EXPECT_EQ(Q8_4::quantize(Exact<7>{-11}).raw(), -2);
  EXPECT_EQ(Q8_4r::quantize(Exact<7>{-11}).raw(), -1);
  EXPECT_EQ(Q8_4::quantize(Exact<2>{3}).raw(), 12);  // fewer fractional bits: exact
}

TEST(Fixed, OverflowSaturatesOrWraps) {
  EXPECT_EQ(Q8_4::from_double(9.0).raw(), 127);
  EXPECT_EQ(Q8_4::from_double(-9.0).raw(), -128);
  EXPECT_EQ(Q8_4::quantize(Exact<4>{200}).raw(), 127);
  EXPECT_EQ(Q8_4w::quantize(Exact<4>{200}).raw(), 200 - 256);
  EXPECT_EQ(Q8_4w::quantize(Exact<4>{-129}).raw(), 127);
  EXPECT_TRUE(wt_linear_t::saturates(2.0));
  EXPECT_FALSE(wt_linear_t::saturates(1.99));
  EXPECT_EQ(pixel_t::from_double(-0.1).raw(), 0);
  EXPECT_EQ(pixel_t::from_double(1.0).raw(), 255);
}

TEST(Fixed, WeightConversionIsFloorOfScaledValue) {
  // The example: the 16-bit, 2-integer-bit format is int16 = floor(w·2^14).
  for (double w : {0.1234567, -0.1234567, 1.5, -1.9999, 0.0})
    EXPECT_EQ(wt_linear_t::from_double(w).raw(), static_cast<std::int64_t>(std::floor(w * 16384.0))) << w;
}

TEST(Fixed, ProductsAndSumsAreExactUntilAssigned) {
  const act_t a = act_t::from_double(3.25), b = act_t::from_double(-0.5);
  const auto p = a * b;  // Exact<44>
  static_assert(decltype(p)::frac_bits == 44);
  EXPECT_EQ(p.to_double(), -1.625);
  EXPECT_EQ(act_t::quantize(p).to_double(), -1.625);
  const auto big = act_t::max() * act_t::max();  // 2^62-ish: fits the intermediate
  EXPECT_EQ(act_t::quantize(big), act_t::max());  // saturates on assignment
  const wt_linear_t w = wt_linear_t::from_raw(-3);
  EXPECT_EQ((act_t::from_raw(5) * w).raw, -15);
  EXPECT_EQ(act_t::quantize(act_t::max() + act_t::one()), act_t::max());
  EXPECT_EQ(act_t::quantize(act_t::min() - act_t::one()), act_t::min());
  EXPECT_EQ(wt_bias_t::from_double(1.0).widen<22>().raw, 1 << 22);
}

}  // namespace
}  // namespace eb::fpga::hw
