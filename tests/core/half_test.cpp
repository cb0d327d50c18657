// f16 / bf16 conversions on known bit patterns: exact values, subnormals, overflow,
// round-to-nearest-even ties, infinities and NaN.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>

#include "core/half.h"

namespace eb {
namespace {

std::uint16_t h(float f) { return to_f16(f).bits; }
float hf(std::uint16_t b) { return to_float(f16{b}); }
std::uint16_t bf(float f) { return to_bf16(f).bits; }
float bff(std::uint16_t b) { return to_float(bf16{b}); }

TEST(F16, ExactValues) {
  EXPECT_EQ(h(0.0f), 0x0000);
  EXPECT_EQ(h(-0.0f), 0x8000);
  EXPECT_EQ(h(1.0f), 0x3c00);
  EXPECT_EQ(h(-2.0f), 0xc000);
  EXPECT_EQ(h(0.5f), 0x3800);
  EXPECT_EQ(h(65504.0f), 0x7bff);  // largest finite
  EXPECT_EQ(h(0x1p-14f), 0x0400);  // smallest normal
  EXPECT_EQ(hf(0x3c00), 1.0f);
  EXPECT_EQ(hf(0x7bff), 65504.0f);
  EXPECT_EQ(hf(0xc000), -2.0f);
  EXPECT_EQ(hf(0x3555), 0.333251953125f);
  EXPECT_TRUE(std::signbit(hf(0x8000)));
}

TEST(F16, Subnormals) {
  EXPECT_EQ(h(0x1p-24f), 0x0001);          // smallest subnormal
  EXPECT_EQ(h(1023 * 0x1p-24f), 0x03ff);   // largest subnormal
  EXPECT_EQ(h(-0x1p-24f), 0x8001);
  EXPECT_EQ(hf(0x0001), 0x1p-24f);
  EXPECT_EQ(hf(0x03ff), 1023 * 0x1p-24f);
  EXPECT_EQ(hf(0x0200), 0x1p-15f);
  // ties to even below the smallest subnormal: 2^-25 is half of 2^-24 → 0 (even);
  // 3·2^-25 is halfway between 1 and 2 units → 2 (even); 2^-25 + tiny → rounds up
  EXPECT_EQ(h(0x1p-25f), 0x0000);
  EXPECT_EQ(h(3 * 0x1p-25f), 0x0002);
  EXPECT_EQ(h(0x1p-25f * 1.0001f), 0x0001);
  EXPECT_EQ(h(0x1p-26f), 0x0000);
  // every subnormal pattern survives the round trip
  for (std::uint16_t b = 1; b < 0x400; ++b) ASSERT_EQ(h(hf(b)), b);
}

TEST(F16, RoundToNearestEvenTies) {
  // 1 + 2^-11 is halfway between 0x3c00 and 0x3c01 → even 0x3c00;
  // 1 + 3·2^-11 is halfway between 0x3c01 and 0x3c02 → even 0x3c02
  EXPECT_EQ(h(1.0f + 0x1p-11f), 0x3c00);
  EXPECT_EQ(h(1.0f + 3 * 0x1p-11f), 0x3c02);
  EXPECT_EQ(h(1.0f + 0x1p-11f + 0x1p-20f), 0x3c01);  // just above the tie
  EXPECT_EQ(h(0.1f), 0x2e66);
}

TEST(F16, OverflowInfinityAndNaN) {
  EXPECT_EQ(h(65519.0f), 0x7bff);  // below the midpoint to 65536
  EXPECT_EQ(h(65520.0f), 0x7c00);  // the midpoint rounds to even, which is 2^16: infinity
  EXPECT_EQ(h(1e10f), 0x7c00);
  EXPECT_EQ(h(-1e10f), 0xfc00);
  EXPECT_EQ(h(std::numeric_limits<float>::infinity()), 0x7c00);
  EXPECT_EQ(hf(0x7c00), std::numeric_limits<float>::infinity());
  EXPECT_EQ(hf(0xfc00), -std::numeric_limits<float>::infinity());
  EXPECT_EQ(h(std::numeric_limits<float>::quiet_NaN()) & 0x7e00, 0x7e00);
  EXPECT_TRUE(std::isnan(hf(0x7e00)));
  EXPECT_TRUE(std::isnan(hf(0x7c01)));
}

TEST(F16, EveryFiniteValueRoundTrips) {
  for (std::uint32_t b = 0; b < 0x10000; ++b) {
    const auto bits = static_cast<std::uint16_t>(b);
    if ((bits & 0x7c00) == 0x7c00) continue;  // inf / NaN
    ASSERT_EQ(h(hf(bits)), bits) << std::hex << b;
  }
}

TEST(BF16, KnownPatterns) {
  EXPECT_EQ(bf(1.0f), 0x3f80);
  EXPECT_EQ(bf(-2.0f), 0xc000);
  EXPECT_EQ(bff(0x4049), 3.140625f);
  EXPECT_EQ(bf(3.14159265f), 0x4049);
  // ties to even: 1 + 2^-8 is halfway between 0x3f80 and 0x3f81 → 0x3f80;
  // 1 + 3·2^-8 halfway between 0x3f81 and 0x3f82 → 0x3f82
  EXPECT_EQ(bf(1.0f + 0x1p-8f), 0x3f80);
  EXPECT_EQ(bf(1.0f + 3 * 0x1p-8f), 0x3f82);
  EXPECT_EQ(bf(1.0f + 0x1p-8f + 0x1p-20f), 0x3f81);
  // subnormal floats keep their top bits
  EXPECT_EQ(bf(std::bit_cast<float>(0x00010000u)), 0x0001);
  EXPECT_EQ(bff(0x0001), std::bit_cast<float>(0x00010000u));
  // the largest float rounds up to infinity; infinity stays
  EXPECT_EQ(bf(std::numeric_limits<float>::max()), 0x7f80);
  EXPECT_EQ(bf(-std::numeric_limits<float>::infinity()), 0xff80);
  // NaN stays NaN, even a signalling one whose payload would otherwise truncate to inf
  EXPECT_EQ(bf(std::bit_cast<float>(0x7f800001u)), 0x7fc0);
  EXPECT_TRUE(std::isnan(bff(bf(std::numeric_limits<float>::quiet_NaN()))));
}

}  // namespace
}  // namespace eb
