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

// The datapath's fm_t is a plain ap_fixed<32,10> in Edge-MoE (include/datatypes.hpp), so it
// takes the defaults AP_TRN and AP_WRAP: 511.5 + 1 is −511.5, not 511.99… (saturation).
TEST(Fixed, ActivationsTruncateAndWrapAsTheDesignsFmT) {
  static_assert(act_t::quant == Quant::trn && act_t::overflow == Overflow::wrap);
  const act_t a = act_t::from_double(511.5);
  EXPECT_EQ(act_t::quantize(a + act_t::one()).to_double(), -511.5);
  EXPECT_EQ(act_t::quantize(act_t::min() - act_t::one()).to_double(), 511.0);
  std::int64_t wraps = 0;
  EXPECT_EQ(act_t::quantize(a + act_t::one(), wraps).to_double(), -511.5);
  EXPECT_EQ(act_t::quantize(a + a, wraps).to_double(), 1023.0 - 1024.0);
  EXPECT_EQ(act_t::quantize(a - act_t::one(), wraps).to_double(), 510.5);  // in range: not counted
  EXPECT_EQ(wraps, 2);
  const auto big = act_t::max() * act_t::max();  // 2^62-ish: fits the intermediate, wraps on assignment
  EXPECT_EQ(act_t::quantize(big).raw(), act_t::fit_raw(big.raw >> 22, wraps).raw());
  // Truncation toward −∞ (AP_TRN), not rounding: −1.5·2^−22 → −2·2^−22, 0.75·2^−22 → 0.
  EXPECT_EQ(act_t::quantize(Exact<23>{-3}).raw(), -2);
  EXPECT_EQ(act_t::quantize(Exact<24>{3}).raw(), 0);
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
  const wt_linear_t w = wt_linear_t::from_raw(-3);
  EXPECT_EQ((act_t::from_raw(5) * w).raw, -15);
  EXPECT_EQ(wt_bias_t::quantize(wt_bias_t::max() + wt_bias_t::from_double(1.0)), wt_bias_t::max());  // weights: AP_SAT
  EXPECT_EQ(wt_bias_t::from_double(1.0).widen<22>().raw, 1 << 22);
}

}  // namespace
}  // namespace eb::fpga::hw
