// Rng golden values: SplitMix64 outputs and the derived conversions are pinned so that a
// change (which would change every seeded weight) is caught.
#include <gtest/gtest.h>

#include "core/rng.h"

namespace eb {
namespace {

TEST(Rng, SplitMix64GoldenValues) {
  Rng r(0);  // the published SplitMix64 sequence for seed 0
  EXPECT_EQ(r.next_u64(), 0xe220a8397b1dcdafull);
  EXPECT_EQ(r.next_u64(), 0x6e789e6aa1b965f4ull);
  EXPECT_EQ(r.next_u64(), 0x06c45d188009454full);
  Rng s(42);
  EXPECT_EQ(s.next_u64(), 0xbdd732262feb6e95ull);
  EXPECT_EQ(s.next_u64(), 0x28efe333b266f103ull);
  EXPECT_EQ(s.next_u64(), 0x47526757130f9f52ull);
}

TEST(Rng, Conversions) {
  Rng r(42);  // top 24 bits of the values above, scaled by 2^-24
  EXPECT_EQ(r.uniform01(), 0.7415648698806763f);
  EXPECT_EQ(r.uniform01(), 0.1599103808403015f);
  EXPECT_EQ(r.uniform01(), 0.27860110998153687f);
  Rng n(5);
  EXPECT_EQ(n.normal(), -0.8465732932090759f);
  Rng b(5);
  EXPECT_EQ(b.below(10), 8u);
  EXPECT_EQ(b.below(0), 0u);
  Rng u(9);
  for (int i = 0; i < 10000; ++i) {
    const float v = u.uniform(-2, 3);
    ASSERT_GE(v, -2.0f);
    ASSERT_LT(v, 3.0f);
  }
}

TEST(Rng, HashAndDerivedSeeds) {
  static_assert(fnv1a64("") == 0xcbf29ce484222325ull);
  static_assert(fnv1a64("a") == 0xaf63dc4c8601ec8cull);  // published FNV-1a test vector
  EXPECT_EQ(derive_seed(7, "w"), 0x65e5c0cfa203c845ull);
  EXPECT_NE(derive_seed(7, "w"), derive_seed(8, "w"));
  EXPECT_NE(derive_seed(7, "w"), derive_seed(7, "v"));
}

}  // namespace
}  // namespace eb
