// The int8 kernels and the quantised program: hand-computed cases, an independent scalar
// re-computation of the integer convolution, and closeness to the float reference.
#include <gtest/gtest.h>

#include <cmath>

#include "backends/edgetpu/calibration.h"
#include "backends/edgetpu/fixed_point.h"
#include "backends/edgetpu/kernels.h"
#include "backends/edgetpu/quantized_program.h"
#include "backends/edgetpu/options.h"
#include "core/reference/kernels.h"
#include "core/reference/reference_backend.h"
#include "core/rng.h"

namespace eb::edgetpu {
namespace {

Tensor random_tensor(const Shape& s, std::uint64_t seed, float lo, float hi) {
  Tensor t(DType::f32, s);
  Rng r(seed);
  for (auto& v : t.data<float>()) v = r.uniform(lo, hi);
  return t;
}

// Quantises `g` calibrated on `inputs` and returns (quantised outputs, float outputs, program).
struct Compared {
  std::vector<Tensor> quantised;
  std::vector<Tensor> reference;
  std::unique_ptr<QuantizedProgram> program;
};
Compared compare(const Graph& g, const Weights& w, const std::vector<Tensor>& inputs) {
  Compared c;
  c.program = std::make_unique<QuantizedProgram>(g, w, calibrate_on(g, w, {inputs}));
  c.quantised = c.program->run(inputs);
  c.reference = make_reference_backend()->compile(g, w, {})->run(inputs);
  return c;
}

// Largest |a − b| in units of the output's scale.
double max_lsb(const Tensor& a, const Tensor& b, float scale) {
  double m = 0;
  auto x = a.data<float>(), y = b.data<float>();
  for (std::size_t i = 0; i < x.size(); ++i) m = std::max(m, std::abs(static_cast<double>(x[i]) - y[i]) / scale);
  return m;
}

TEST(QuantParams, ChoosesTfliteParameters) {
  // [−1, 1]: scale 2/255, zero point from −128 − (−1)/(2/255) = −0.5 → nudged to 0 (round half away).
  QParams p = choose_activation_params(-1.0f, 1.0f);
  EXPECT_FLOAT_EQ(p.scale, 2.0f / 255.0f);
  EXPECT_TRUE(p.zero_point == 0 || p.zero_point == -1);
  // [0, 6]: the range is one-sided, the zero point is the lowest level.
  p = choose_activation_params(0.0f, 6.0f);
  EXPECT_FLOAT_EQ(p.scale, 6.0f / 255.0f);
  EXPECT_EQ(p.zero_point, -128);
  // A range that excludes 0 is widened to contain it.
  p = choose_activation_params(2.0f, 4.0f);
  EXPECT_FLOAT_EQ(p.scale, 4.0f / 255.0f);
  EXPECT_EQ(p.zero_point, -128);
  EXPECT_EQ(quantize_value(0.0f, p), -128);
  EXPECT_THROW(choose_activation_params(1.0f, 0.0f), std::invalid_argument);
}

TEST(QuantParams, PerChannelWeightsAndBias) {
  const std::vector<float> w{0.5f, -1.0f, 0.25f, 2.0f, 1.0f, 0.0f};
  const ChannelQuantized q = quantize_weights_per_channel(w, 2);
  ASSERT_EQ(q.scales.size(), 2u);
  EXPECT_FLOAT_EQ(q.scales[0], 1.0f / 127.0f);
  EXPECT_FLOAT_EQ(q.scales[1], 2.0f / 127.0f);
  EXPECT_EQ(q.values, (std::vector<std::int8_t>{64, -127, 32, 127, 64, 0}));  // 63.5 → 64, 31.75 → 32
  const auto b = quantize_bias(std::vector<float>{0.1f, -0.2f}, 0.5f, q.scales);
  EXPECT_EQ(b[0], static_cast<std::int32_t>(std::round(0.1 / (0.5 * (1.0 / 127.0)))));
  EXPECT_EQ(b[1], static_cast<std::int32_t>(std::round(-0.2 / (0.5 * (2.0 / 127.0)))));
  const auto relu6 = fused_activation_range(Activation::relu6, QParams{6.0f / 255.0f, -128});
  EXPECT_EQ(relu6.min, -128);
  EXPECT_EQ(relu6.max, 127);
  const auto relu = fused_activation_range(Activation::relu, QParams{0.1f, 10});
  EXPECT_EQ(relu.min, 10);
  EXPECT_THROW(fused_activation_range(Activation::gelu, QParams{}), std::invalid_argument);
}

TEST(Kernels, AddRescalesBothInputs) {
  // a: 0.5·(q − 0), b: 0.25·(q − 4), out: 0.5·(q + 2). a = 3 (1.5), b = 8 (1.0) → 2.5 → q = 5 − 2 = 3.
  const QParams a{0.5f, 0}, b{0.25f, 4}, y{0.5f, -2};
  const AddQuant q = prepare_add(a, b, y);
  const std::vector<std::int8_t> av{3, -10}, bv{8, 0};
  std::vector<std::int8_t> out(2);
  const std::vector<std::int64_t> idx{0, 1};
  add_int8(av, idx, bv, idx, q, out);
  EXPECT_EQ(out[0], 3);
  EXPECT_EQ(out[1], -14);  // −5 + (−1) = −6 → −12 − 2
}

TEST(Kernels, MulAndBroadcast) {
  EXPECT_EQ(broadcast_index({2, 1}, {2, 3}), (std::vector<std::int64_t>{0, 0, 0, 1, 1, 1}));
  EXPECT_EQ(broadcast_index({3}, {2, 3}), (std::vector<std::int64_t>{0, 1, 2, 0, 1, 2}));
  EXPECT_THROW(broadcast_index({2}, {2, 3}), std::invalid_argument);
  // 0.1·(q − 0) × 0.02·(q + 100) → 0.01·(q − 0): a = 30 (3.0), b = −50 (1.0) → 3.0 → 300 → saturates at 127.
  const MulQuant q = prepare_mul({0.1f, 0}, {0.02f, -100}, {0.01f, 0});
  const std::vector<std::int8_t> a{30, 5}, b{-50, -50};
  std::vector<std::int8_t> out(2);
  const std::vector<std::int64_t> idx{0, 1};
  mul_int8(a, idx, b, idx, q, out);
  EXPECT_EQ(out[0], 127);
  EXPECT_EQ(out[1], 50);  // 0.5·1.0 = 0.5 → 50
}

TEST(Kernels, AveragePoolRoundsHalfAwayFromZero) {
  const std::vector<std::int8_t> x{1, 2, 3, 4, -1, -2, -3, -4, 1, 1, 1, 2};
  std::vector<std::int8_t> y(3);
  global_avg_pool_int8(x, 3, 4, y);
  EXPECT_EQ(y[0], 3);   // 10/4 = 2.5 → 3
  EXPECT_EQ(y[1], -3);  // −2.5 → −3
  EXPECT_EQ(y[2], 1);   // 1.25 → 1
}

TEST(Kernels, HardSwishWithinOneLsbOfFloatForEveryInput) {
  const QParams in{0.05f, -10}, out{0.03f, -100};
  const HardSwishQuant q = prepare_hardswish(in, out);
  std::vector<std::int8_t> x(256), y(256);
  for (int v = -128; v < 128; ++v) x[static_cast<std::size_t>(v + 128)] = static_cast<std::int8_t>(v);
  hardswish_int8(x, q, y);
  int off_by_one = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double r = in.scale * (x[i] - in.zero_point);
    const double want = std::clamp(std::round(r * std::min(std::max(r + 3, 0.0), 6.0) / 6.0 / out.scale) + out.zero_point, -128.0, 127.0);
    EXPECT_LE(std::abs(y[i] - want), 1.0) << "input " << int(x[i]);
    off_by_one += y[i] != want;
  }
  EXPECT_LT(off_by_one, 64);  // the fixed-point path is mostly exact
}

TEST(Kernels, LogisticTableAndRequantize) {
  const QParams in{0.1f, 0}, out{1.0f / 256.0f, -128};
  const Lut lut = make_lut([](double v) { return 1.0 / (1.0 + std::exp(-v)); }, in, out);
  EXPECT_EQ(lut[128], 0);      // σ(0) = 0.5 → 128 − 128
  EXPECT_EQ(lut[255], 127);    // σ(12.7) ≈ 1 → saturates
  std::vector<std::int8_t> y(2);
  requantize_int8(std::vector<std::int8_t>{10, -10}, {0.2f, 0}, {0.1f, 3}, y);
  EXPECT_EQ(y[0], 23);
  EXPECT_EQ(y[1], -17);
}

TEST(Kernels, ResizeBilinearInteger) {
  // 2×2 → 4×4 with half-pixel centres: corners keep their values.
  const std::vector<std::int8_t> x{0, 100, -100, 20};
  std::vector<std::int8_t> y(16);
  ResizeAttrs a;
  a.out_h = 4;
  a.out_w = 4;
  resize_bilinear_int8(x, {1, 1, 2, 2}, a, y);
  EXPECT_EQ(y[0], 0);
  EXPECT_EQ(y[3], 100);
  EXPECT_EQ(y[12], -100);
  EXPECT_EQ(y[15], 20);
  EXPECT_EQ(y[1], 25);  // x = 0.25 between 0 and 100
}

// The integer convolution recomputed naively, element by element, from the definition.
TEST(Kernels, ConvolutionMatchesScalarDefinition) {
  const Shape xs{1, 4, 7, 6}, ws{6, 2, 3, 3}, ys{1, 6, 4, 3};
  Conv2dAttrs a;
  a.stride = {2, 2};
  a.pad = {1, 1, 1, 0};
  a.groups = 2;
  Rng r(7);
  std::vector<std::int8_t> x(static_cast<std::size_t>(numel(xs))), w(static_cast<std::size_t>(numel(ws)));
  for (auto& v : x) v = static_cast<std::int8_t>(static_cast<int>(r.below(256)) - 128);
  for (auto& v : w) v = static_cast<std::int8_t>(static_cast<int>(r.below(255)) - 127);
  std::vector<std::int32_t> bias{100, -200, 3000, 0, -5, 7};
  ConvQuant q;
  q.input_zero_point = 5;
  q.output_zero_point = -3;
  for (int c = 0; c < 6; ++c) q.multipliers.push_back(fx::quantize_multiplier(0.001 * (c + 1)));
  std::vector<std::int8_t> y(static_cast<std::size_t>(numel(ys)));
  conv2d_int8(x, xs, w, ws, bias, a, q, y, ys);
  for (int o = 0; o < 6; ++o)
    for (int oy = 0; oy < 4; ++oy)
      for (int ox = 0; ox < 3; ++ox) {
        std::int32_t acc = bias[static_cast<std::size_t>(o)];
        const int g = o / 3;
        for (int ci = 0; ci < 2; ++ci)
          for (int ky = 0; ky < 3; ++ky)
            for (int kx = 0; kx < 3; ++kx) {
              const int iy = oy * 2 + ky - 1, ix = ox * 2 + kx - 1;
              if (iy < 0 || iy >= 7 || ix < 0 || ix >= 6) continue;
              const int c = g * 2 + ci;
              acc += (x[static_cast<std::size_t>((c * 7 + iy) * 6 + ix)] - 5) * w[static_cast<std::size_t>(((o * 2 + ci) * 3 + ky) * 3 + kx)];
            }
        const std::int32_t want = std::clamp(fx::multiply_by_quantized_multiplier(acc, q.multipliers[static_cast<std::size_t>(o)]) - 3, -128, 127);
        EXPECT_EQ(y[static_cast<std::size_t>((o * 4 + oy) * 3 + ox)], want) << o << "," << oy << "," << ox;
      }
}

TEST(QuantizedProgram, ConvAndLinearWithinFewLsbOfFloat) {
  GraphBuilder b("convs");
  auto x = b.input("x", {1, 8, 12, 12});
  Conv2dAttrs c1;
  c1.pad = {1, 1, 1, 1};
  c1.has_bias = true;
  c1.act = Activation::relu6;
  auto h = b.add(OpKind::conv2d, c1, {x, b.weight("c1.w", {16, 8, 3, 3}, WeightInit::with_std(0.2)), b.weight("c1.b", {16}, WeightInit::uniform(-0.1, 0.1))}, "c1");
  Conv2dAttrs dw;
  dw.stride = {2, 2};
  dw.pad = {0, 0, 1, 1};
  dw.groups = 16;
  dw.has_bias = true;
  dw.act = Activation::hardswish;
  h = b.add(OpKind::conv2d, dw, {h, b.weight("dw.w", {16, 1, 3, 3}, WeightInit::with_std(0.4)), b.weight("dw.b", {16}, WeightInit::uniform(-0.1, 0.1))}, "dw");
  h = b.add(OpKind::reshape, ReshapeAttrs{{1, 16, 36}}, {h}, "flat");
  h = b.add(OpKind::transpose, TransposeAttrs{{0, 2, 1}}, {h}, "tokens");
  LinearAttrs l;
  h = b.add(OpKind::linear, l, {h, b.weight("fc.w", {10, 16}, WeightInit::with_std(0.3)), b.weight("fc.b", {10}, WeightInit::uniform(-0.1, 0.1))}, "fc");
  b.output(h);
  const Graph g = b.finish();
  Weights w;
  std::uint64_t seed = 1;
  for (const auto& spec : g.weights) w.set(spec.name, random_tensor(spec.shape, seed++, -0.3f, 0.3f));
  const auto c = compare(g, w, {random_tensor({1, 8, 12, 12}, 99, -1.0f, 1.0f)});
  // Errors of three quantised layers accumulate into the last output: a few LSB of it.
  const float s = c.program->tensor("fc").q.scale;
  EXPECT_LE(max_lsb(c.quantised[0], c.reference[0], s), 4.0);
  EXPECT_GT(max_lsb(c.quantised[0], c.reference[0], s), 0.0);  // it is quantised, not float
}

TEST(QuantizedProgram, SqueezeExciteAddConcatWithinFewLsb) {
  GraphBuilder b("se");
  auto x = b.input("x", {1, 6, 8, 8});
  auto p = b.add(OpKind::global_avg_pool, NoAttrs{}, {x}, "pool");
  Conv2dAttrs c;
  c.has_bias = true;
  c.act = Activation::sigmoid;
  auto gate = b.add(OpKind::conv2d, c, {p, b.weight("g.w", {6, 6, 1, 1}, WeightInit::with_std(0.5)), b.weight("g.b", {6}, WeightInit::zeros())}, "gate");
  auto m = b.add(OpKind::mul, NoAttrs{}, {x, gate}, "se");
  auto r = b.add(OpKind::add, NoAttrs{}, {m, x}, "res");
  auto k = b.add(OpKind::relu, NoAttrs{}, {r}, "relu");
  auto cat = b.add(OpKind::concat, ConcatAttrs{1}, {k, x}, "cat");
  b.output(cat);
  const Graph g = b.finish();
  Weights w;
  w.set("g.w", random_tensor({6, 6, 1, 1}, 5, -1.0f, 1.0f));
  w.set("g.b", random_tensor({6}, 6, -0.5f, 0.5f));
  const auto cmp = compare(g, w, {random_tensor({1, 6, 8, 8}, 42, -2.0f, 3.0f)});
  EXPECT_LE(max_lsb(cmp.quantised[0], cmp.reference[0], cmp.program->tensor("cat").q.scale), 3.0);
  // The concat's second input (x, on its own wider parameters) was requantised.
  EXPECT_NE(cmp.program->tensor("x").q, cmp.program->tensor("cat").q);
  EXPECT_EQ(cmp.program->tensor("gate").q, (QParams{1.0f / 256.0f, -128}));
}

TEST(QuantizedProgram, InputOutsideCalibratedRangeSaturatesAndIsCounted) {
  GraphBuilder b("id");
  auto x = b.input("x", {1, 4});
  b.output(b.add(OpKind::relu6, NoAttrs{}, {x}, "r"));
  const Graph g = b.finish();
  QuantizedProgram prog(g, Weights{}, {{"x", {-1.0f, 1.0f}}, {"r", {0.0f, 1.0f}}});
  const auto out = prog.run(std::vector<Tensor>{Tensor::from_f32({1, 4}, {-5.0f, 0.5f, 0.9f, 7.0f})});
  EXPECT_EQ(prog.last_input_saturated(), 2);
  EXPECT_NEAR(out[0].data<float>()[3], 1.0f, 0.01f);
  EXPECT_NEAR(out[0].data<float>()[1], 0.5f, 0.01f);
}

TEST(Calibration, SeededRepresentativeInputsAndOptions) {
  GraphBuilder b("img");
  auto x = b.input("image", {1, 3, 16, 16});
  b.output(b.add(OpKind::relu, NoAttrs{}, {x}, "r"));
  const Graph g = b.finish();
  CalibrationSettings s;
  const auto a = representative_inputs(g, s, 0), a2 = representative_inputs(g, s, 0), c = representative_inputs(g, s, 1);
  EXPECT_TRUE(a[0] == a2[0]);
  EXPECT_FALSE(a[0] == c[0]);
  for (float v : a[0].data<float>()) {
    EXPECT_GE(v, -1.0f);
    EXPECT_LE(v, 1.0f);
  }
  const auto opts = CalibrationSettings::from(ResolvedOptions(edgetpu_options(), {{"edgetpu.calibration", "3"}, {"edgetpu.calibration.range", "0,255"}}));
  EXPECT_EQ(opts.samples, 3);
  EXPECT_EQ(opts.input_hi, 255.0f);
  EXPECT_THROW(CalibrationSettings::from(ResolvedOptions(edgetpu_options(), {{"edgetpu.calibration", "0"}})), std::invalid_argument);
  EXPECT_THROW(CalibrationSettings::from(ResolvedOptions(edgetpu_options(), {{"edgetpu.calibration", "two"}})), std::invalid_argument);
  const auto ranges = calibrate(g, Weights{}, opts);
  EXPECT_GE(ranges.at("image").min, 0.0f);
  EXPECT_GT(ranges.at("image").max, 100.0f);
  EXPECT_GE(ranges.at("r").min, 0.0f);
}

}  // namespace
}  // namespace eb::edgetpu
