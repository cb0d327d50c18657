// The unified linear unit (Edge-MoE technique 4): 16×16 MACs per cycle, against a double
// computation on the same quantised values; fused GELU; the expert-token gather; the
// gate-scale-and-accumulate output; its cycle count from the loop structure.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "backends/fpga/hw/linear_unit.h"
#include "tests/fpga/test_util.h"

namespace eb::fpga::hw {
namespace {

struct Layer {
  int out = 0, in = 0;
  std::vector<float> w, b;
  LinearWeights<wt_linear_t> lw;
};

Layer make_layer(int out, int in, std::uint64_t seed) {
  Layer l;
  l.out = out;
  l.in = in;
  l.w = test::random_floats(static_cast<std::size_t>(out * in), seed, -0.2, 0.2);
  l.b = test::random_floats(static_cast<std::size_t>(out), seed + 1, -1.0, 1.0);
  const auto wr = test::to_raws<wt_linear_t>(l.w);
  const auto br = test::to_raws<wt_bias_t>(l.b);
  l.lw = load_linear<wt_linear_t, wt_bias_t>(wr, br, out, in);
  return l;
}

// Σ x·w + b on the quantised values, in double.
double exact_output(const Layer& l, const act_t* x, int o) {
  double s = wt_bias_t::from_double(l.b[static_cast<std::size_t>(o)]).to_double();
  for (int i = 0; i < l.in; ++i) s += x[i].to_double() * wt_linear_t::from_double(l.w[static_cast<std::size_t>(o * l.in + i)]).to_double();
  return s;
}

TEST(LinearUnit, MatchesDoubleWithinOneStepPerInput) {
  for (auto [rows, out, in] : {std::tuple{129, 576, 192}, {7, 40, 37}, {1, 16, 16}, {3, 17, 200}}) {
    const Layer l = make_layer(out, in, static_cast<std::uint64_t>(out * 1000 + in));
    const auto x = test::random_acts(static_cast<std::size_t>(rows * in), 5, -3.0, 3.0);
    std::vector<act_t> y(static_cast<std::size_t>(rows * out));
    const UnitStats s = linear_unit(LinearCall{rows, OutAct::none, LinearStore::store}, l.lw, ConstActRows{x, rows, in, in}, {},
                                    ActRows{y, rows, out, out});
    const int blocks = ceil_div(in, kLinearIn);
    double worst = 0;
    for (int r = 0; r < rows; ++r)
      for (int o = 0; o < out; ++o) {
        const double err = exact_output(l, x.data() + r * in, o) - y[static_cast<std::size_t>(r * out + o)].to_double();
        EXPECT_GE(err, 0.0);  // truncation only ever lowers
        worst = std::max(worst, err);
      }
    // Each product is truncated to 2^−22 on its own (the design's fm_t addends): under one
    // step per input.
    EXPECT_LE(worst, in * std::ldexp(1.0, -22)) << out << "x" << in;
    EXPECT_EQ(s.wraps, 0);
    // 16×16 MACs per cycle: rows · ⌈out/16⌉ · ⌈in/16⌉ cycles.
    EXPECT_EQ(s.cycles, static_cast<std::int64_t>(rows) * ceil_div(out, 16) * blocks);
    EXPECT_EQ(s.macs, s.cycles * 256);
    EXPECT_EQ(s.weight_bytes, out * in * 2 + out * 2);
  }
}

TEST(LinearUnit, FusedGeluEqualsGeluOfTheStoredOutput) {
  const Layer l = make_layer(48, 32, 77);
  const int rows = 9;
  const auto x = test::random_acts(static_cast<std::size_t>(rows * 32), 6, -3.0, 3.0);
  std::vector<act_t> plain(static_cast<std::size_t>(rows * 48)), fused(plain.size());
  linear_unit(LinearCall{rows, OutAct::none, LinearStore::store}, l.lw, ConstActRows{x, rows, 32, 32}, {}, ActRows{plain, rows, 48, 48});
  linear_unit(LinearCall{rows, OutAct::gelu, LinearStore::store}, l.lw, ConstActRows{x, rows, 32, 32}, {}, ActRows{fused, rows, 48, 48});
  for (std::size_t i = 0; i < plain.size(); ++i) EXPECT_EQ(fused[i], gelu(plain[i]));
}

TEST(LinearUnit, GatherComputesOnlyTheQueuedTokens) {
  const Layer l = make_layer(32, 48, 78);
  const int T = 10;
  const auto x = test::random_acts(static_cast<std::size_t>(T * 48), 7, -2.0, 2.0);
  std::vector<act_t> all(static_cast<std::size_t>(T * 32)), some(static_cast<std::size_t>(3 * 32));
  linear_unit(LinearCall{T, OutAct::none, LinearStore::store}, l.lw, ConstActRows{x, T, 48, 48}, {}, ActRows{all, T, 32, 32});
  const std::vector<std::int32_t> queue{7, 2, 9};
  const UnitStats s = linear_unit(LinearCall{3, OutAct::none, LinearStore::store}, l.lw, ConstActRows{x, T, 48, 48}, queue, ActRows{some, 3, 32, 32});
  for (int r = 0; r < 3; ++r)
    for (int o = 0; o < 32; ++o) EXPECT_EQ(some[static_cast<std::size_t>(r * 32 + o)], all[static_cast<std::size_t>(queue[static_cast<std::size_t>(r)] * 32 + o)]);
  EXPECT_EQ(s.cycles, 3 * 2 * 3);
}

TEST(LinearUnit, ScaleAndAccumulateAddsTheScoredOutputIntoTheTokensRows) {
  const Layer l = make_layer(24, 40, 79);
  const int n = 4, T = 6;
  const auto h = test::random_acts(static_cast<std::size_t>(n * 40), 8, -2.0, 2.0);
  std::vector<act_t> out(static_cast<std::size_t>(n * 24));
  linear_unit(LinearCall{n, OutAct::none, LinearStore::store}, l.lw, ConstActRows{h, n, 40, 40}, {}, ActRows{out, n, 24, 24});
  auto y = test::random_acts(static_cast<std::size_t>(T * 24), 9, -1.0, 1.0);
  const auto before = y;
  const std::vector<std::int32_t> tokens{5, 0, 3, 1};
  const auto scores = test::random_acts(4, 10, 0.0, 1.0);
  linear_unit(LinearCall{n, OutAct::none, LinearStore::scale_accumulate}, l.lw, ConstActRows{h, n, 40, 40}, {}, ActRows{y, T, 24, 24},
              tokens, scores);
  std::vector<bool> touched(static_cast<std::size_t>(T), false);
  for (int r = 0; r < n; ++r) {
    const int t = tokens[static_cast<std::size_t>(r)];
    touched[static_cast<std::size_t>(t)] = true;
    for (int o = 0; o < 24; ++o) {
      const act_t want = act_t::quantize(before[static_cast<std::size_t>(t * 24 + o)].exact() +
                                         act_t::quantize(scores[static_cast<std::size_t>(r)] * out[static_cast<std::size_t>(r * 24 + o)]).exact());
      EXPECT_EQ(y[static_cast<std::size_t>(t * 24 + o)], want);
    }
  }
  for (int t = 0; t < T; ++t) {
    if (touched[static_cast<std::size_t>(t)]) continue;
    for (int o = 0; o < 24; ++o) EXPECT_EQ(y[static_cast<std::size_t>(t * 24 + o)], before[static_cast<std::size_t>(t * 24 + o)]);
  }
}

TEST(LinearUnit, OutputStageActivationsForConvolutions) {
  const Layer l = make_layer(32, 24, 80);
  const int rows = 5;
  const auto x = test::random_acts(static_cast<std::size_t>(rows * 24), 15, -8.0, 8.0);
  std::vector<act_t> plain(static_cast<std::size_t>(rows * 32)), y(plain.size());
  linear_unit(LinearCall{rows, OutAct::none, LinearStore::store}, l.lw, ConstActRows{x, rows, 24, 24}, {}, ActRows{plain, rows, 32, 32});
  for (OutAct a : {OutAct::relu, OutAct::relu6, OutAct::hardswish}) {
    linear_unit(LinearCall{rows, a, LinearStore::store}, l.lw, ConstActRows{x, rows, 24, 24}, {}, ActRows{y, rows, 32, 32});
    for (std::size_t i = 0; i < y.size(); ++i) {
      const double v = plain[i].to_double();
      const double want = a == OutAct::relu ? std::max(v, 0.0) : a == OutAct::relu6 ? std::clamp(v, 0.0, 6.0) : v * std::clamp(v + 3, 0.0, 6.0) / 6;
      EXPECT_NEAR(y[i].to_double(), want, 1e-5) << static_cast<int>(a) << " at " << v;
    }
  }
}

TEST(LinearUnit, PatchEmbeddingWeightFormatUsesSixteenFractionalBits) {
  const std::vector<float> w{0.25f, -0.125f, 0.4999f};
  const auto wr = test::to_raws<wt_patch_embed_t>(w);
  const auto lw = load_linear<wt_patch_embed_t, wt_bias_t>(wr, {}, 1, 3);
  const std::vector<act_t> x{act_t::from_double(1.0), act_t::from_double(2.0), act_t::from_double(0.5)};
  std::vector<act_t> y(1);
  linear_unit(LinearCall{1, OutAct::none, LinearStore::store}, lw, ConstActRows{x, 1, 3, 3}, {}, ActRows{y, 1, 1, 1});
  EXPECT_NEAR(y[0].to_double(), 0.25 - 0.25 + 0.4999 * 0.5, 1e-4);
}

}  // namespace
}  // namespace eb::fpga::hw
