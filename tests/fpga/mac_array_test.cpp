// The MAC array primitive: its fast C-simulation paths equal the 64-bit integer
// definition bit for bit, extremes (saturation, largest products) included.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <climits>
#include <vector>

#include "backends/fpga/hw/mac_array.h"
#include "core/rng.h"

namespace eb::fpga::hw {
namespace {

// The definition, in 64-bit integers: what mac_block computes, written the obvious way.
void mac_block_reference(const MacBlockArgs& a) {
  for (int r = 0; r < a.rows; ++r) {
    for (int o = 0; o < kLinearOut; ++o) {
      auto acc = static_cast<std::int64_t>(a.bias[o]);
      for (int ib = 0; ib < a.in_blocks; ++ib) {
        std::int64_t tree = 0;
        for (int i = 0; i < kLinearIn; ++i)
          tree += static_cast<std::int64_t>(a.x[static_cast<std::size_t>(r)][ib * kLinearIn + i]) *
                  static_cast<std::int64_t>(a.tiles[(ib * kLinearIn + i) * kLinearOut + o]);
        acc = std::clamp<std::int64_t>(acc + (tree >> a.weight_frac_bits), INT32_MIN, INT32_MAX);
      }
      a.acc_out[static_cast<std::size_t>(r)][o] = static_cast<std::int32_t>(acc);
    }
  }
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
    mac_block(a);
    a.acc_out = {want[0].data(), want[1].data()};
    mac_block_reference(a);
    for (int k = 0; k < rows; ++k) EXPECT_EQ(got[static_cast<std::size_t>(k)], want[static_cast<std::size_t>(k)]) << "rows " << rows;
    a.acc_out = {got[0].data(), got[1].data()};
    mac_block_portable(a);
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

TEST(MacArray, ReportsWhichPathRuns) {
  RecordProperty("vectorized", mac_block_vectorized() ? "avx2+fma" : "portable");
  SUCCEED();
}

}  // namespace
}  // namespace eb::fpga::hw
