// Patch reordering for MoE (Edge-MoE technique 5): per-expert queues with each active
// expert's weights loaded once equal token-by-token processing bit for bit; the gate's
// top-k matches the float operator's routing; the result agrees with the float MoE.
#include <gtest/gtest.h>

#include <vector>

#include "backends/fpga/hw/moe_unit.h"
#include "core/reference/kernels.h"
#include "tests/fpga/oracles.h"
#include "tests/fpga/test_util.h"

namespace eb::fpga::hw {
namespace {

constexpr int kT = 41, kD = 64, kH = 96, kE = 16;

struct Model {
  std::vector<float> gate, w1, b1, w2, b2;  // graph layouts: gate [D,E], w1 [E,H,D], b1 [E,H], w2 [E,D,H], b2 [E,D]
  MoeWeights hw;
};

Model make_model(std::uint64_t seed) {
  Model m;
  m.gate = test::random_floats(kD * kE, seed, -0.6, 0.6);
  m.w1 = test::random_floats(kE * kH * kD, seed + 1, -0.2, 0.2);
  m.b1 = test::random_floats(kE * kH, seed + 2, -0.5, 0.5);
  m.w2 = test::random_floats(kE * kD * kH, seed + 3, -0.2, 0.2);
  m.b2 = test::random_floats(kE * kD, seed + 4, -0.5, 0.5);
  std::vector<float> gate_t(kE * kD);  // [E][D] as the unit reads it
  for (int d = 0; d < kD; ++d)
    for (int e = 0; e < kE; ++e) gate_t[static_cast<std::size_t>(e * kD + d)] = m.gate[static_cast<std::size_t>(d * kE + e)];
  m.hw.gate = load_linear<wt_linear_t, wt_bias_t>(test::to_raws<wt_linear_t>(gate_t), {}, kE, kD);
  for (int e = 0; e < kE; ++e) {
    const auto w1 = std::span<const float>(m.w1).subspan(static_cast<std::size_t>(e * kH * kD), kH * kD);
    const auto b1 = std::span<const float>(m.b1).subspan(static_cast<std::size_t>(e * kH), kH);
    const auto w2 = std::span<const float>(m.w2).subspan(static_cast<std::size_t>(e * kD * kH), kD * kH);
    const auto b2 = std::span<const float>(m.b2).subspan(static_cast<std::size_t>(e * kD), kD);
    m.hw.fc1.push_back(load_linear<wt_linear_t, wt_bias_t>(test::to_raws<wt_linear_t>(w1), test::to_raws<wt_bias_t>(b1), kH, kD));
    m.hw.fc2.push_back(load_linear<wt_linear_t, wt_bias_t>(test::to_raws<wt_linear_t>(w2), test::to_raws<wt_bias_t>(b2), kD, kH));
  }
  return m;
}

struct MoeRun {
  std::vector<act_t> y;
  MoeStats stats;
};

MoeRun reordered(const Model& m, const std::vector<act_t>& x, const MoeConfig& c) {
  MoeRun r;
  r.y.resize(static_cast<std::size_t>(kT * kD));
  std::vector<act_t> logits(static_cast<std::size_t>(kT * kE)), hidden(static_cast<std::size_t>(kT * kH));
  ExpertQueues q(kT);
  r.stats = moe_unit(c, m.hw, ConstActRows{x, kT, kD, kD}, ActRows{r.y, kT, kD, kD}, ActRows{logits, kT, kE, kE},
                     ActRows{hidden, kT, kH, kH}, q);
  return r;
}

MoeRun token_by_token(const Model& m, const std::vector<act_t>& x, const MoeConfig& c) {
  MoeRun r;
  r.y.resize(static_cast<std::size_t>(kT * kD));
  std::vector<act_t> logits(kE), hidden(kH);
  r.stats = moe_token_by_token(c, m.hw, ConstActRows{x, kT, kD, kD}, ActRows{r.y, kT, kD, kD}, ActRows{logits, 1, kE, kE},
                               ActRows{hidden, 1, kH, kH});
  return r;
}

TEST(PatchReordering, EqualsTokenByTokenBitForBit) {
  for (bool renorm : {false, true})
    for (int k : {1, 2, 3}) {
      const Model m = make_model(31);
      const auto x = test::random_acts(kT * kD, 32, -2.0, 2.0);
      const MoeConfig c{kE, k, renorm};
      const MoeRun a = reordered(m, x, c), b = token_by_token(m, x, c);
      EXPECT_EQ(a.y, b.y) << "top-" << k << (renorm ? " renormalised" : "");
      EXPECT_EQ(a.stats.tokens, b.stats.tokens);
      // Each active expert's weights are fetched once, not once per token.
      EXPECT_EQ(a.stats.weight_loads, a.stats.active);
      EXPECT_LE(a.stats.weight_loads, kE);
      EXPECT_EQ(b.stats.weight_loads, kT * k);
      std::int64_t routed = 0;
      for (int e = 0; e < kE; ++e) routed += a.stats.tokens[static_cast<std::size_t>(e)];
      EXPECT_EQ(routed, kT * k);
    }
}

TEST(PatchReordering, ExpertsRunOnlyOverTheirQueues) {
  const Model m = make_model(41);
  const auto x = test::random_acts(kT * kD, 42, -2.0, 2.0);
  const MoeRun a = reordered(m, x, MoeConfig{kE, 2, false});
  for (int e = 0; e < kE; ++e) {
    const std::int64_t n = a.stats.tokens[static_cast<std::size_t>(e)];
    // fc1: n rows × ⌈H/16⌉ × ⌈D/16⌉, fc2: n rows × ⌈D/16⌉ × ⌈H/16⌉ cycles.
    EXPECT_EQ(a.stats.expert[static_cast<std::size_t>(e)].cycles, n * 2 * (kH / 16) * (kD / 16)) << e;
  }
}

TEST(MoeUnit, AgreesWithTheFloatOperatorOnTheSameValues) {
  const Model m = make_model(51);
  const auto x = test::random_acts(kT * kD, 52, -2.0, 2.0);
  const MoeRun a = reordered(m, x, MoeConfig{kE, 2, false});
  auto dequant = [](const std::vector<float>& v, auto fmt, Shape s) {
    Tensor t(DType::f32, std::move(s));
    for (std::size_t i = 0; i < v.size(); ++i) t.data<float>()[i] = static_cast<float>(decltype(fmt)::from_double(v[i]).to_double());
    return t;
  };
  const Tensor xt = test::to_tensor(x, {1, kT, kD});
  const Tensor g = dequant(m.gate, wt_linear_t{}, {kD, kE}), w1 = dequant(m.w1, wt_linear_t{}, {kE, kH, kD}),
               b1 = dequant(m.b1, wt_bias_t{}, {kE, kH}), w2 = dequant(m.w2, wt_linear_t{}, {kE, kD, kH}),
               b2 = dequant(m.b2, wt_bias_t{}, {kE, kD});
  Node n;
  n.name = "moe";
  n.op = OpKind::moe;
  MoeAttrs attrs;
  attrs.experts = kE;
  attrs.top_k = 2;
  attrs.hidden = kH;
  n.attrs = attrs;
  const Tensor* in[] = {&xt, &g, &w1, &b1, &w2, &b2};
  const Tensor want = ref::eval_node(n, in, {1, kT, kD});
  EXPECT_LE(test::max_abs_diff(test::to_tensor(a.y, {1, kT, kD}).data<float>(), want.data<float>()), 5e-4);
}

}  // namespace
}  // namespace eb::fpga::hw
