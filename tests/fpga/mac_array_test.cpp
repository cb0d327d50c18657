// The MAC array primitive: its fast C-simulation paths equal the 64-bit integer
// definition bit for bit, extremes (wraps, largest products) included; and the two ways
// it follows Edge-MoE's compute_linear_on_stream: products truncated one by one, and a
// wrapping accumulator.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <climits>
#include <vector>

#include "backends/fpga/hw/mac_array.h"
#include "core/rng.h"

namespace eb::fpga::hw {
namespace {

// The definition, in 64-bit integers: what mac_block computes, written the obvious way —
// each product truncated into fm_t and added into a wrapping 32-bit accumulator.
std::int64_t mac_block_reference(const MacBlockArgs& a) {
  std::int64_t wraps = 0;
  for (int r = 0; r < a.rows; ++r) {
    for (int o = 0; o < kLinearOut; ++o) {
      auto acc = static_cast<std::int64_t>(a.bias[o]);
      for (int ib = 0; ib < a.in_blocks; ++ib)
        for (int i = 0; i < kLinearIn; ++i)
          acc += (static_cast<std::int64_t>(a.x[static_cast<std::size_t>(r)][ib * kLinearIn + i]) *
                  static_cast<std::int64_t>(a.tiles[(ib * kLinearIn + i) * kLinearOut + o])) >>
                 a.weight_frac_bits;
      wraps += acc > INT32_MAX || acc < INT32_MIN;
      a.acc_out[static_cast<std::size_t>(r)][o] = static_cast<std::int32_t>(static_cast<std::uint32_t>(acc));  // low 32 bits
    }
  }
  return wraps;
}

void compare(int in_blocks, int wfrac, std::uint64_t seed, bool extreme) {
  Rng r(seed);
  const auto n = static_cast<std::size_t>(in_blocks * kLinearIn);
  std::vector<double> x0(n), x1(n);
  std::vector<float> tiles(n * kLinearOut);
  std::array<double, kLinearOut> bias{};
  auto raw32 = [&] {
    if (extreme) return (r.next_u64() & 1) ? 2147483647.0 : -2147483648.0;
    return static_cast<double>(static_cast<std::int32_t>(r.next_u64() >> 32) >> 6);
  };
  for (auto& v : x0) v = raw32();
  for (auto& v : x1) v = raw32();
  for (auto& w : tiles) w = extreme ? ((r.next_u64() & 1) ? 32767.0f : -32768.0f) : static_cast<float>(static_cast<std::int16_t>(r.next_u64()));
  for (auto& b : bias) b = static_cast<double>(static_cast<std::int32_t>(r.next_u64() >> 34));
  for (int rows = 1; rows <= kSimRows; ++rows) {
    std::array<std::array<std::int32_t, kLinearOut>, kSimRows> got{}, want{};
    MacBlockArgs a;
    a.rows = rows;
    a.x = {x0.data(), x1.data()};
    a.tiles = tiles.data();
    a.in_blocks = in_blocks;
    a.weight_frac_bits = wfrac;
    a.bias = bias.data();
    a.acc_out = {got[0].data(), got[1].data()};
    const std::int64_t wraps = mac_block(a);
    a.acc_out = {want[0].data(), want[1].data()};
    EXPECT_EQ(wraps, mac_block_reference(a)) << "rows " << rows;
    for (int k = 0; k < rows; ++k) EXPECT_EQ(got[static_cast<std::size_t>(k)], want[static_cast<std::size_t>(k)]) << "rows " << rows;
    a.acc_out = {got[0].data(), got[1].data()};
    EXPECT_EQ(mac_block_portable(a), wraps);
    for (int k = 0; k < rows; ++k) EXPECT_EQ(got[static_cast<std::size_t>(k)], want[static_cast<std::size_t>(k)]) << "portable, rows " << rows;
  }
}

TEST(MacArray, EqualsIntegerDefinition) {
  for (int blocks : {1, 3, 12, 48})
    for (int wfrac : {14, 15}) compare(blocks, wfrac, static_cast<std::uint64_t>(blocks * 100 + wfrac), false);
}

TEST(MacArray, EqualsIntegerDefinitionAtTheExtremes) {
  for (int blocks : {1, 12, 288}) compare(blocks, 14, static_cast<std::uint64_t>(blocks), true);
}

MacBlockArgs one_row(const std::vector<double>& x, const std::vector<float>& tiles, const std::array<double, kLinearOut>& bias,
                     std::array<std::int32_t, kLinearOut>& out) {
  MacBlockArgs a;
  a.rows = 1;
  a.x = {x.data(), x.data()};
  a.tiles = tiles.data();
  a.in_blocks = 1;
  a.weight_frac_bits = 14;
  a.bias = bias.data();
  a.acc_out = {out.data(), out.data()};
  return a;
}

// The design truncates each product into an fm_t addend (`addend[o] = in[i] * w[o][i]`):
// 16 products of 2^−22 · 0.5 are 0 each, where an exact adder tree would give 8 · 2^−22.
TEST(MacArray, TruncatesEachProductAsTheDesign) {
  const std::vector<double> x(kLinearIn, 1.0);                             // raw 1: 2^−22
  std::vector<float> tiles(kLinearIn * kLinearOut, 8192.0f);               // 0.5 in Q16.2
  const std::array<double, kLinearOut> bias{};
  std::array<std::int32_t, kLinearOut> out{};
  const MacBlockArgs a = one_row(x, tiles, bias, out);
  EXPECT_EQ(mac_block(a), 0);
  for (std::int32_t v : out) EXPECT_EQ(v, 0);
  EXPECT_EQ(mac_block_portable(a), 0);
  for (std::int32_t v : out) EXPECT_EQ(v, 0);
}

// An accumulator that leaves ±512 wraps (AP_WRAP, the design's default), and is counted:
// 2 × 300 = 600 → 600 − 1024 = −424; the old saturating datapath gave 511.99…
TEST(MacArray, AccumulatorWrapsAsTheDesignAndCountsIt) {
  std::vector<double> x(kLinearIn, 0.0);
  x[0] = x[1] = 300.0 * 4194304.0;
  std::vector<float> tiles(kLinearIn * kLinearOut, 0.0f);
  for (int i = 0; i < 2; ++i) tiles[static_cast<std::size_t>(i * kLinearOut)] = 16384.0f;  // w[0][i] = 1.0
  const std::array<double, kLinearOut> bias{};
  std::array<std::int32_t, kLinearOut> out{};
  const MacBlockArgs a = one_row(x, tiles, bias, out);
  EXPECT_EQ(mac_block(a), 1);
  EXPECT_EQ(out[0], static_cast<std::int32_t>((600LL - 1024LL) * 4194304LL));
  EXPECT_EQ(mac_block_portable(a), 1);
  EXPECT_EQ(out[0], static_cast<std::int32_t>((600LL - 1024LL) * 4194304LL));
}

TEST(MacArray, ReportsWhichPathRuns) {
  RecordProperty("vectorized", mac_block_vectorized() ? "avx2" : "portable");
  SUCCEED();
}

}  // namespace
}  // namespace eb::fpga::hw
