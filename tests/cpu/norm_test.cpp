// layernorm and softmax on the cpu backend against the reference.
#include "tests/cpu/conformance.h"

namespace eb::cpu_test {
namespace {

TEST(CpuNorm, LayerNorm) {
  EB_REQUIRE_CPU();
  for (const Shape& s : {Shape{2, 65, 48}, Shape{7, 13}, Shape{1, 1, 1, 5}})
    check_graph("layernorm " + to_string(s), [&](GraphBuilder& g) {
      LayerNormAttrs a;
      a.eps = 1e-6f;
      const std::int64_t d = s.back();
      g.output(g.add(OpKind::layernorm, a,
                     {g.input("x", s), g.weight("gamma", {d}, WeightInit::uniform(0.5, 1.5)), g.weight("beta", {d}, uniform())},
                     "y"));
    });
}

TEST(CpuNorm, Softmax) {
  EB_REQUIRE_CPU();
  for (int axis : {-1, 0, 1, 2})
    check_graph("softmax [3,5,7] axis " + std::to_string(axis), [&](GraphBuilder& g) {
      SoftmaxAttrs a;
      a.axis = axis;
      // Scaled so the distribution is far from uniform.
      const auto x = g.input("x", {3, 5, 7});
      const auto k = g.weight("k", {7}, WeightInit::constant(6.0));
      g.output(g.add(OpKind::softmax, a, {g.add(OpKind::mul, NoAttrs{}, {x, k}, "xs")}, "y"));
    });
}

}  // namespace
}  // namespace eb::cpu_test
