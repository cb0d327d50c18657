// attention and the mixture-of-experts layer on the cpu backend against the reference.
#include "tests/cpu/conformance.h"

namespace eb::cpu_test {
namespace {

TEST(CpuAttention, Shapes) {
  EB_REQUIRE_CPU();
  struct Case {
    std::int64_t b, t, d;
    int heads;
  };
  for (const auto& c : std::vector<Case>{{1, 65, 48, 6}, {2, 17, 24, 3}, {3, 1, 8, 2}, {1, 129, 64, 1}, {2, 10, 30, 5}})
    check_graph("attention B" + std::to_string(c.b) + " T" + std::to_string(c.t) + " D" + std::to_string(c.d) + " H" +
                    std::to_string(c.heads),
                [&](GraphBuilder& g) {
                  AttentionAttrs a;
                  a.heads = c.heads;
                  // qkv from a linear layer so that scores are not all alike.
                  const auto x = g.input("x", {c.b, c.t, c.d});
                  LinearAttrs la;
                  const auto qkv = g.add(OpKind::linear, la,
                                         {x, g.weight("w", {3 * c.d, c.d}, uniform(0.6)), g.weight("bias", {3 * c.d}, uniform())},
                                         "qkv");
                  g.output(g.add(OpKind::attention, a, {qkv}, "y"));
                });
}

struct MoeCase {
  std::string label;
  std::int64_t b, t, d;
  MoeAttrs attrs;
  WeightInit gate = uniform(1.0);
  bool residual = false;
};

void build_moe(GraphBuilder& g, const MoeCase& c) {
  const auto& a = c.attrs;
  const std::int64_t E = a.experts, H = a.hidden, D = c.d;
  const auto x = g.input("x", {c.b, c.t, D});
  const auto y = g.add(OpKind::moe, a,
                       {x, g.weight("gate", {D, E}, c.gate), g.weight("fc1_w", {E, H, D}, uniform(0.4)),
                        g.weight("fc1_b", {E, H}, uniform()), g.weight("fc2_w", {E, D, H}, uniform(0.4)),
                        g.weight("fc2_b", {E, D}, uniform())},
                       "moe");
  g.output(c.residual ? g.add(OpKind::add, NoAttrs{}, {x, y}, "res") : y);
}

MoeAttrs moe_attrs(int experts, int top_k, int hidden, Activation act = Activation::gelu, bool renormalize = false) {
  MoeAttrs a;
  a.experts = experts;
  a.top_k = top_k;
  a.hidden = hidden;
  a.act = act;
  a.renormalize = renormalize;
  return a;
}

TEST(CpuMoe, Routing) {
  EB_REQUIRE_CPU();
  const std::vector<MoeCase> cases = {
      {"moe B2 T9 D12 E5 k2 H7 gelu", 2, 9, 12, moe_attrs(5, 2, 7)},
      {"moe B1 T65 D48 E16 k2 H96 gelu + residual", 1, 65, 48, moe_attrs(16, 2, 96), uniform(1.0), true},
      {"moe B3 T5 D10 E4 k1 renormalized relu", 3, 5, 10, moe_attrs(4, 1, 9, Activation::relu, true)},
      {"moe B1 T4 D8 E4 k4 (every expert)", 1, 4, 8, moe_attrs(4, 4, 6)},
      {"moe B1 T3 D8 E16 k2 (idle experts)", 1, 3, 8, moe_attrs(16, 2, 5)},
      {"moe B2 T3 D8 E6 k3 renormalized", 2, 3, 8, moe_attrs(6, 3, 5, Activation::gelu, true)},
      // A zero gate makes every probability equal: the top-k must take the lowest indices.
      {"moe ties go to the lower index", 1, 7, 8, moe_attrs(6, 2, 5), WeightInit::zeros()},
  };
  for (const auto& c : cases) check_graph(c.label, [&](GraphBuilder& g) { build_moe(g, c); });
}

}  // namespace
}  // namespace eb::cpu_test
