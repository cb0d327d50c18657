// concat, reshape, transpose, slice, resize_bilinear and global_avg_pool on the cpu
// backend against the reference.
#include "tests/cpu/conformance.h"

#include <fmt/format.h>

namespace eb::cpu_test {
namespace {

TEST(CpuLayout, Concat) {
  EB_REQUIRE_CPU();
  struct Case {
    std::vector<Shape> in;
    int axis;
  };
  const std::vector<Case> cases = {
      {{{2, 3, 4}, {2, 5, 4}}, 1},
      {{{2, 3, 4}, {2, 3, 1}, {2, 3, 7}}, -1},
      {{{1, 5}, {3, 5}}, 0},
      {{{1, 3, 2, 2}, {1, 13, 2, 2}}, 1},
  };
  for (const auto& c : cases) {
    std::string label = fmt::format("concat axis {}", c.axis);
    for (const auto& s : c.in) label += fmt::format(" {}", to_string(s));
    check_graph(label, [&](GraphBuilder& g) {
      std::vector<std::string> in;
      for (std::size_t i = 0; i < c.in.size(); ++i) in.push_back(g.input(fmt::format("x{}", i), c.in[i]));
      ConcatAttrs a;
      a.axis = c.axis;
      g.output(g.add(OpKind::concat, a, in, "y"));
    });
  }
  // Channel concat of blocked conv outputs (8 and 16 channels: block aligned; 5: not).
  for (std::int64_t c2 : {16, 5})
    check_graph("concat blocked conv outputs 8+" + std::to_string(c2), [&](GraphBuilder& g) {
      const auto x = g.input("x", {2, 4, 6, 6});
      Conv2dAttrs a;
      a.pad = {1, 1, 1, 1};
      const auto y1 = g.add(OpKind::conv2d, a, {x, g.weight("w1", {8, 4, 3, 3}, uniform())}, "y1");
      const auto y2 = g.add(OpKind::conv2d, a, {x, g.weight("w2", {c2, 4, 3, 3}, uniform())}, "y2");
      ConcatAttrs ca;
      ca.axis = 1;
      const auto cat = g.add(OpKind::concat, ca, {y1, y2}, "cat");
      g.output(g.add(OpKind::conv2d, a, {cat, g.weight("w3", {3, 8 + c2, 3, 3}, uniform())}, "y"));
    });
}

TEST(CpuLayout, ReshapeTransposeSlice) {
  EB_REQUIRE_CPU();
  check_graph("reshape [2,3,4,5]->[6,-1]", [&](GraphBuilder& g) {
    ReshapeAttrs a;
    a.shape = {6, -1};
    g.output(g.add(OpKind::reshape, a, {g.input("x", {2, 3, 4, 5})}, "y"));
  });
  for (const auto& perm : std::vector<std::vector<int>>{{1, 0}, {0, 2, 1}, {2, 0, 1}, {0, 2, 3, 1}, {3, 1, 0, 2}}) {
    Shape s;
    for (std::size_t i = 0; i < perm.size(); ++i) s.push_back(static_cast<std::int64_t>(i) + 2 + (i == 1 ? 3 : 0));
    std::string label = "transpose " + to_string(s) + " perm";
    for (int p : perm) label += fmt::format(" {}", p);
    check_graph(label, [&](GraphBuilder& g) {
      TransposeAttrs a;
      a.perm = perm;
      g.output(g.add(OpKind::transpose, a, {g.input("x", s)}, "y"));
    });
  }
  struct SliceCase {
    Shape s;
    int axis;
    std::int64_t start, end;
  };
  for (const auto& c : std::vector<SliceCase>{{{1, 65, 8}, 1, 1, 65}, {{3, 65, 8}, 1, 1, 65}, {{2, 7}, -1, 2, 5},
                                              {{4, 3}, 0, 1, 3}, {{2, 5, 3, 3}, 1, 0, 1}})
    check_graph("slice " + to_string(c.s) + " axis " + std::to_string(c.axis), [&](GraphBuilder& g) {
      SliceAttrs a{c.axis, c.start, c.end};
      // A consumer after the slice, so views and copies are both read by a later step.
      const auto y = g.add(OpKind::slice, a, {g.input("x", c.s)}, "y");
      g.output(g.add(OpKind::relu, NoAttrs{}, {y}, "z"));
    });
}

// The class-token removal and patch reshaping of a ViT head, on data a linear produced.
TEST(CpuLayout, TokensToImage) {
  EB_REQUIRE_CPU();
  check_graph("tokens -> image (slice, transpose, reshape)", [&](GraphBuilder& g) {
    const auto x = g.input("x", {2, 13, 10});
    LinearAttrs la;
    const auto t = g.add(OpKind::linear, la, {x, g.weight("w", {6, 10}, uniform()), g.weight("b", {6}, uniform())}, "t");
    const auto s = g.add(OpKind::slice, SliceAttrs{1, 1, 13}, {t}, "s");  // [2,12,6]
    TransposeAttrs ta;
    ta.perm = {0, 2, 1};
    const auto tr = g.add(OpKind::transpose, ta, {s}, "tr");  // [2,6,12]
    ReshapeAttrs ra;
    ra.shape = {2, 6, 3, 4};
    const auto img = g.add(OpKind::reshape, ra, {tr}, "img");
    Conv2dAttrs ca;
    ca.pad = {1, 1, 1, 1};
    g.output(g.add(OpKind::conv2d, ca, {img, g.weight("cw", {5, 6, 3, 3}, uniform())}, "y"));
  });
}

TEST(CpuLayout, ResizeBilinear) {
  EB_REQUIRE_CPU();
  struct Mode {
    std::string name;
    bool align, half;
  };
  for (const Mode& m : {Mode{"half_pixel", false, true}, Mode{"align_corners", true, false}, Mode{"legacy", false, false}})
    for (const auto& [in, out] : std::vector<std::pair<Shape, std::array<std::int64_t, 2>>>{
             {{1, 3, 4, 5}, {8, 10}}, {{2, 13, 7, 9}, {16, 5}}, {{1, 2, 1, 1}, {3, 4}}, {{1, 4, 6, 6}, {1, 1}}})
      check_graph("resize " + m.name + " " + to_string(in) + " -> " + std::to_string(out[0]) + "x" + std::to_string(out[1]),
                  [&, in = in, out = out](GraphBuilder& g) {  // clang 14 cannot capture bindings
                    ResizeAttrs a;
                    a.out_h = out[0];
                    a.out_w = out[1];
                    a.align_corners = m.align;
                    a.half_pixel_centers = m.half;
                    g.output(g.add(OpKind::resize_bilinear, a, {g.input("x", in)}, "y"));
                  });
}

TEST(CpuLayout, GlobalAvgPool) {
  EB_REQUIRE_CPU();
  for (const Shape& s : {Shape{1, 3, 7, 5}, Shape{2, 13, 1, 1}, Shape{3, 32, 10, 10}})
    check_graph("global_avg_pool " + to_string(s), [&](GraphBuilder& g) {
      g.output(g.add(OpKind::global_avg_pool, NoAttrs{}, {g.input("x", s)}, "y"));
    });
}

}  // namespace
}  // namespace eb::cpu_test
