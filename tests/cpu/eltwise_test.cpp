// Unary activations and add/mul (with broadcasting, in plain and blocked layouts) on the
// cpu backend against the reference.
#include "tests/cpu/conformance.h"

namespace eb::cpu_test {
namespace {

TEST(CpuEltwise, EveryUnaryOp) {
  EB_REQUIRE_CPU();
  for (OpKind op : {OpKind::gelu, OpKind::relu, OpKind::relu6, OpKind::hardswish, OpKind::hardsigmoid, OpKind::sigmoid})
    for (const Shape& s : {Shape{2, 3, 5, 7}, Shape{17}, Shape{3, 129, 40}})
      check_graph(std::string(op_name(op)) + " " + to_string(s), [&](GraphBuilder& g) {
        // Scale the input so that every branch of relu6 / hard-sigmoid is exercised.
        const auto x = g.input("x", s);
        const auto w = g.weight("k", {s.back()}, WeightInit::constant(8.0));
        g.output(g.add(op, NoAttrs{}, {g.add(OpKind::mul, NoAttrs{}, {x, w}, "scaled")}, "y"));
      });
}

TEST(CpuEltwise, Binary) {
  EB_REQUIRE_CPU();
  struct Case {
    Shape a, b;
  };
  const std::vector<Case> cases = {
      {{2, 3, 5, 7}, {2, 3, 5, 7}},  // same shape
      {{2, 3, 5, 7}, {1, 3, 1, 1}},  // per channel
      {{1, 3, 1, 1}, {2, 3, 5, 7}},  // broadcast first operand (swapped)
      {{2, 3, 5, 7}, {7}},           // lower rank
      {{4, 1}, {1, 6}},              // both broadcast (outer)
      {{3, 1, 5}, {2, 1}},           // both broadcast, ranks differ
      {{2, 65, 24}, {65, 24}},       // position embedding style
      {{5}, {1}},
  };
  for (OpKind op : {OpKind::add, OpKind::mul})
    for (const auto& c : cases)
      check_graph(std::string(op_name(op)) + " " + to_string(c.a) + " " + to_string(c.b), [&](GraphBuilder& g) {
        g.output(g.add(op, NoAttrs{}, {g.input("a", c.a), g.input("b", c.b)}, "y"));
      });
}

// Broadcast operands against channel-blocked conv outputs (squeeze-and-excite style), with
// channel counts that are not multiples of the block.
TEST(CpuEltwise, BinaryOnBlockedLayouts) {
  EB_REQUIRE_CPU();
  for (std::int64_t c : {8, 13})
    for (OpKind op : {OpKind::add, OpKind::mul}) {
      check_graph(std::string(op_name(op)) + " blocked c=" + std::to_string(c), [&](GraphBuilder& g) {
        const auto x = g.input("x", {2, 5, 6, 6});
        Conv2dAttrs a;
        a.pad = {1, 1, 1, 1};
        a.has_bias = true;
        const auto y = g.add(OpKind::conv2d, a, {x, g.weight("w", {c, 5, 3, 3}, uniform()), g.weight("b", {c}, uniform())}, "y");
        const auto p = g.add(OpKind::global_avg_pool, NoAttrs{}, {y}, "p");
        const auto s = g.add(op, NoAttrs{}, {y, p}, "s");               // [2,c,6,6] x [2,c,1,1]
        const auto t = g.add(op, NoAttrs{}, {g.weight("k", {c, 1, 1}, uniform()), s}, "t");  // rank 3 first
        const auto u = g.add(OpKind::sigmoid, NoAttrs{}, {t}, "u");
        g.output(g.add(op, NoAttrs{}, {u, y}, "v"));                    // same shape, both blocked
      });
    }
}

}  // namespace
}  // namespace eb::cpu_test
