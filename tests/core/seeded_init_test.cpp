// Seeded initialisation: bit-identical across calls, different per seed and per name,
// each recipe honoured.
#include <gtest/gtest.h>

#include <cmath>

#include "core/seeded_init.h"

namespace eb {
namespace {

WeightSpec spec(std::string name, WeightInit init, Shape shape = {4, 5}) { return {std::move(name), std::move(shape), DType::f32, init}; }

TEST(SeededInit, BitIdenticalAcrossCalls) {
  const auto s = spec("w", WeightInit::uniform(-1, 1));
  EXPECT_EQ(init_tensor(s, 7), init_tensor(s, 7));
  // golden: first values of the stream derive_seed(7, "w"), mapped to [−1, 1)
  const Tensor t = init_tensor(s, 7);
  const auto v = t.data<float>();
  EXPECT_EQ(v[0], 0.9895142316818237f);
  EXPECT_EQ(v[1], 0.2998925447463989f);
  EXPECT_EQ(v[2], 0.16097331047058105f);
}

TEST(SeededInit, DiffersBySeedAndName) {
  const auto a = init_tensor(spec("w", WeightInit::uniform(-1, 1)), 7);
  EXPECT_NE(a, init_tensor(spec("w", WeightInit::uniform(-1, 1)), 8));
  EXPECT_NE(a, init_tensor(spec("w2", WeightInit::uniform(-1, 1)), 7));
}

TEST(SeededInit, Recipes) {
  const auto c = init_tensor(spec("c", WeightInit::constant(0.25)), 1);
  for (float v : c.data<float>()) EXPECT_EQ(v, 0.25f);
  const auto s = init_tensor(spec("s", WeightInit::with_std(0.5), {1000}), 1);
  double sum = 0, sq = 0;
  for (float v : s.data<float>()) {
    EXPECT_LT(std::abs(v), 0.5 * std::sqrt(3.0) + 1e-6);
    sum += v;
    sq += static_cast<double>(v) * v;
  }
  EXPECT_NEAR(sum / 1000, 0, 0.05);
  EXPECT_NEAR(std::sqrt(sq / 1000), 0.5, 0.05);
  EXPECT_THROW(init_tensor({"i", {2}, DType::i8, WeightInit::zeros()}, 1), std::invalid_argument);
}

TEST(SeededInit, WeightsAndInputsOfAGraph) {
  GraphBuilder b("g");
  const auto x = b.input("x", {2, 3});
  const auto w = b.weight("w", {4, 3}, WeightInit::uniform(0, 1));
  b.output(b.add(OpKind::linear, LinearAttrs{Activation::none, false}, {x, w}, "y"));
  const Graph g = b.finish();
  const Weights ws = init_weights(g, 3);
  EXPECT_EQ(ws.size(), 1u);
  EXPECT_EQ(ws.get("w"), init_tensor(g.weight("w"), 3));
  EXPECT_NO_THROW(ws.check_against(g));
  const auto in = random_inputs(g, 3, 0.5f, 0.75f);
  ASSERT_EQ(in.size(), 1u);
  EXPECT_EQ(in[0].shape(), (Shape{2, 3}));
  for (float v : in[0].data<float>()) {
    EXPECT_GE(v, 0.5f);
    EXPECT_LT(v, 0.75f);
  }
  EXPECT_EQ(in[0], random_inputs(g, 3, 0.5f, 0.75f)[0]);
  EXPECT_NE(in[0], random_inputs(g, 4, 0.5f, 0.75f)[0]);
}

}  // namespace
}  // namespace eb
