// GraphBuilder and Graph::validate: each error names the offending node or tensor.
#include <gtest/gtest.h>

#include "core/graph.h"

namespace eb {
namespace {

// Expects `f` to throw std::invalid_argument whose message contains every `needle`.
template <class F>
void expect_error(F&& f, std::initializer_list<const char*> needles) {
  try {
    f();
    ADD_FAILURE() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    for (const char* n : needles) EXPECT_NE(std::string(e.what()).find(n), std::string::npos) << e.what();
  }
}

Graph tiny() {
  GraphBuilder b("tiny");
  const auto x = b.input("x", {1, 4});
  const auto w = b.weight("w", {3, 4}, WeightInit::zeros());
  const auto y = b.add(OpKind::linear, LinearAttrs{Activation::none, false}, {x, w}, "y");
  b.output(b.add(OpKind::relu, NoAttrs{}, {y}, "z"));
  return b.finish();
}

TEST(GraphBuilder, BuildsAndRecordsShapes) {
  const Graph g = tiny();
  EXPECT_EQ(g.name, "tiny");
  EXPECT_EQ(g.inputs, std::vector<std::string>{"x"});
  EXPECT_EQ(g.outputs, std::vector<std::string>{"z"});
  ASSERT_EQ(g.nodes.size(), 2u);
  EXPECT_EQ(g.info("y").shape, (Shape{1, 3}));
  EXPECT_EQ(g.info("x").kind, TensorKind::input);
  EXPECT_TRUE(g.is_weight("w"));
  EXPECT_FALSE(g.is_weight("x"));
  EXPECT_EQ(g.producer("z"), &g.nodes[1]);
  EXPECT_EQ(g.producer("x"), nullptr);
  EXPECT_EQ(g.weight("w").shape, (Shape{3, 4}));
  expect_error([&] { g.info("nope"); }, {"nope"});
  expect_error([&] { g.weight("x"); }, {"x"});
  EXPECT_NO_THROW(g.validate());
}

TEST(GraphBuilder, Errors) {
  GraphBuilder b("g");
  const auto x = b.input("x", {1, 4});
  expect_error([&] { b.add(OpKind::relu, NoAttrs{}, {"ghost"}, "r"); }, {"'r'", "ghost"});
  expect_error([&] { b.input("x", {2}); }, {"'x'", "twice"});
  b.add(OpKind::relu, NoAttrs{}, {x}, "r");
  expect_error([&] { b.add(OpKind::relu, NoAttrs{}, {x}, "r"); }, {"'r'"});
  const auto w = b.weight("w", {3, 5}, WeightInit::zeros());
  expect_error([&] { b.add(OpKind::linear, LinearAttrs{Activation::none, false}, {x, w}, "fc"); }, {"'fc'", "[3, 5]"});
  expect_error([&] { b.add(OpKind::linear, ConcatAttrs{}, {x, w}, "fc2"); }, {"'fc2'", "attributes"});
  expect_error([&] { b.output("missing"); }, {"missing"});
  expect_error([&] { b.input("", {1}); }, {"empty"});
}

TEST(GraphValidate, Errors) {
  {
    Graph g = tiny();
    std::swap(g.nodes[0], g.nodes[1]);  // z now reads y before y exists
    expect_error([&] { g.validate(); }, {"'z'", "'y'", "before"});
  }
  {
    Graph g = tiny();
    g.nodes[1].name = "y";  // duplicate tensor
    expect_error([&] { g.validate(); }, {"'y'", "twice"});
  }
  {
    Graph g = tiny();
    g.tensors["y"].shape = {1, 4};  // record disagrees with shape inference
    expect_error([&] { g.validate(); }, {"'y'", "[1, 4]", "[1, 3]"});
  }
  {
    Graph g = tiny();
    g.nodes[0].attrs = NoAttrs{};
    expect_error([&] { g.validate(); }, {"'y'", "attributes"});
  }
  {
    Graph g = tiny();
    g.outputs.push_back("q");
    expect_error([&] { g.validate(); }, {"'q'"});
  }
  {
    Graph g = tiny();
    g.outputs.clear();
    expect_error([&] { g.validate(); }, {"no outputs"});
  }
  {
    Graph g = tiny();
    g.tensors["stray"] = TensorInfo{{1}, DType::f32, TensorKind::activation};
    expect_error([&] { g.validate(); }, {"nothing defines"});
  }
  {
    Graph g = tiny();
    g.tensors["w"].kind = TensorKind::input;
    expect_error([&] { g.validate(); }, {"'w'", "kind"});
  }
  {
    Graph g = tiny();
    g.nodes[0].inputs.pop_back();  // linear without its weight
    expect_error([&] { g.validate(); }, {"'y'", "inputs"});
  }
}

}  // namespace
}  // namespace eb
