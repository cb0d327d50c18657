// linear and matmul on the cpu backend against the reference.
#include "tests/cpu/conformance.h"

namespace eb::cpu_test {
namespace {

std::string linear(GraphBuilder& g, const std::string& name, const std::string& x, std::int64_t out, Activation act,
                   bool bias = true) {
  LinearAttrs a;
  a.act = act;
  a.has_bias = bias;
  std::vector<std::string> in{x, g.weight(name + ".w", {out, g.shape(x).back()}, uniform(0.2))};
  if (bias) in.push_back(g.weight(name + ".b", {out}, uniform()));
  return g.add(OpKind::linear, a, in, name);
}

TEST(CpuLinear, Shapes) {
  EB_REQUIRE_CPU();
  struct Case {
    std::string label;
    Shape x;
    std::int64_t out;
    Activation act;
    bool bias;
  };
  const std::vector<Case> cases = {
      {"linear [7,13]->5 none", {7, 13}, 5, Activation::none, true},
      {"linear [2,65,48]->96 gelu", {2, 65, 48}, 96, Activation::gelu, true},
      {"linear [1,1,19]->3 no bias relu", {1, 1, 19}, 3, Activation::relu, false},
      {"linear [3,17] -> 33 hardswish", {3, 17}, 33, Activation::hardswish, true},
      {"linear [4,9] -> 6 sigmoid", {4, 9}, 6, Activation::sigmoid, true},
      {"linear [5,10] -> 7 hardsigmoid", {5, 10}, 7, Activation::hardsigmoid, true},
      {"linear [5,10] -> 7 relu6", {5, 10}, 7, Activation::relu6, true},
  };
  for (const auto& c : cases)
    check_graph(c.label, [&](GraphBuilder& g) { g.output(linear(g, "y", g.input("x", c.x), c.out, c.act, c.bias)); });
}

// A transformer MLP: fc1 + gelu, fc2, residual add folded into fc2, then a separate gelu
// folded as well.
TEST(CpuLinear, MlpWithResidual) {
  EB_REQUIRE_CPU();
  check_graph("linear mlp + residual [2,33,24]", [&](GraphBuilder& g) {
    const auto x = g.input("x", {2, 33, 24});
    const auto h = linear(g, "fc1", x, 96, Activation::gelu);
    const auto y = linear(g, "fc2", h, 24, Activation::none);
    const auto r = g.add(OpKind::add, NoAttrs{}, {y, x}, "res");
    g.output(g.add(OpKind::gelu, NoAttrs{}, {r}, "out"));
  });
}

TEST(CpuMatmul, Shapes) {
  EB_REQUIRE_CPU();
  struct Case {
    std::string label;
    Shape a, b;
    bool tb;
  };
  const std::vector<Case> cases = {
      {"matmul [5,7]x[7,3]", {5, 7}, {7, 3}, false},
      {"matmul [2,3,5,7]x[2,3,7,9]", {2, 3, 5, 7}, {2, 3, 7, 9}, false},
      {"matmul broadcast [2,1,5,7]x[3,7,4]", {2, 1, 5, 7}, {3, 7, 4}, false},
      {"matmul transpose_b [4,6,8]x[4,5,8]", {4, 6, 8}, {4, 5, 8}, true},
      {"matmul transpose_b broadcast [3,6,8]x[5,8]", {3, 6, 8}, {5, 8}, true},
      {"matmul [1,1]x[1,1]", {1, 1}, {1, 1}, false},
  };
  for (const auto& c : cases)
    check_graph(c.label, [&](GraphBuilder& g) {
      MatmulAttrs a;
      a.transpose_b = c.tb;
      g.output(g.add(OpKind::matmul, a, {g.input("a", c.a), g.input("b", c.b)}, "y"));
    });
  check_graph("matmul activation x weight", [&](GraphBuilder& g) {
    g.output(g.add(OpKind::matmul, MatmulAttrs{}, {g.input("a", {3, 4, 10}), g.weight("b", {10, 11}, uniform())}, "y"));
  });
}

}  // namespace
}  // namespace eb::cpu_test
