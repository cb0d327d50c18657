// --precision bf16 on the cpu backend against its own fp32, within a tolerance derived from
// what bf16 does to the operands. Skipped, with the reason, on a CPU without native bf16.
//
// The tolerance: oneDNN's bf16 primitives round the sources and weights of every
// convolution, linear layer and matmul to bf16 (8-bit mantissa, unit roundoff 2⁻⁹) and
// accumulate the products in f32. An fp32 run of the same graph with only its weights and
// inputs rounded to bf16 measures the error that weight rounding alone causes through
// this graph (e_w). Rounding the activations each of those layers reads injects errors of
// the same unit roundoff on a comparable number of operands, independent of the weights'
// errors, so the two add in quadrature: expected ≈ √2·e_w. The bound is 3·e_w, which
// leaves room for the correlation of the errors with depth without admitting an error
// that is not bf16 rounding (a wrong layout or a dropped operand is far above it).
#include "tests/cpu/conformance.h"

#include <bit>
#include <cstring>

#include "core/fold_batch_norm.h"
#include "models/workload.h"

#ifdef EB_HAVE_CPU
#include "backends/cpu/precision.h"
#endif

namespace eb::cpu_test {
namespace {

#ifdef EB_HAVE_CPU
// Why this CPU cannot run bf16 ("" when it can).
std::string no_bf16_reason() {
  const auto caps = cpu::detect_capabilities(dnnl::engine(dnnl::engine::kind::cpu, 0));
  if (caps.bf16) return "";
  return cpu::precision_notes(caps);
}
#define EB_REQUIRE_BF16()                                                               \
  if (const std::string why = no_bf16_reason(); !why.empty()) GTEST_SKIP() << why; \
  (void)0
#else
#define EB_REQUIRE_BF16() EB_REQUIRE_CPU()
#endif

// Rounds to the nearest bf16 (ties to even) and back, as oneDNN converts f32 to bf16.
float to_bf16(float x) {
  auto u = std::bit_cast<std::uint32_t>(x);
  u += 0x7fffu + ((u >> 16) & 1u);
  return std::bit_cast<float>(u & 0xffff0000u);
}

Tensor rounded(const Tensor& t) {
  Tensor r = t;
  for (float& v : r.data<float>()) v = to_bf16(v);
  return r;
}

struct Bf16Run {
  double error = 0;          // rel L2 of bf16 against fp32, worst output
  double weights_error = 0;  // e_w: fp32 on bf16-rounded weights and inputs against fp32
  std::map<std::string, std::string> info;
};

Bf16Run run_bf16(const Graph& graph, const Weights& weights, const std::vector<Tensor>& inputs) {
  Bf16Run r;
#ifdef EB_HAVE_CPU
  CompileOptions fp32;
  fp32.threads = kTestThreads;
  CompileOptions bf16 = fp32;
  bf16.precision = Precision::bf16;
  const auto backend = make_cpu_backend();
  const auto reference = backend->compile(graph, weights, fp32)->run(inputs);
  const auto exe = backend->compile(graph, weights, bf16);
  const auto out = exe->run(inputs);
  r.info = exe->info();
  Weights wr;
  for (const auto& [name, t] : weights.all()) wr.set(name, rounded(t));
  std::vector<Tensor> in_r;
  for (const auto& t : inputs) in_r.push_back(rounded(t));
  const auto emulated = backend->compile(graph, wr, fp32)->run(in_r);
  for (std::size_t i = 0; i < out.size(); ++i) {
    r.error = std::max(r.error, rel_l2(out[i], reference[i]));
    r.weights_error = std::max(r.weights_error, rel_l2(emulated[i], reference[i]));
  }
#else
  (void)graph, (void)weights, (void)inputs;
#endif
  return r;
}

void check_bf16(const std::string& label, const Graph& graph, const Weights& weights, const std::vector<Tensor>& inputs) {
  const Bf16Run r = run_bf16(graph, weights, inputs);
  std::printf("[bf16] %-40s rel_l2 %.3e  (weights+inputs rounded: %.3e, bound %.3e)\n", label.c_str(), r.error,
              r.weights_error, 3 * r.weights_error);
  EXPECT_EQ(r.info.at("precision"), "bf16") << label;
  EXPECT_GT(r.weights_error, 0) << label;
  EXPECT_GT(r.error, 0) << label << ": bf16 output identical to fp32: nothing ran in bf16";
  EXPECT_LT(r.error, 3 * r.weights_error) << label;
}

TEST(CpuBf16, SmallNetwork) {
  EB_REQUIRE_BF16();
  GraphBuilder g("bf16-small");
  const auto x = g.input("x", {2, 5, 11, 9});
  Conv2dAttrs c;
  c.pad = {1, 1, 1, 1};
  c.act = Activation::relu6;
  c.has_bias = true;
  const auto a = g.add(OpKind::conv2d, c, {x, g.weight("c1.w", {24, 5, 3, 3}, uniform()), g.weight("c1.b", {24}, uniform())}, "c1");
  Conv2dAttrs dw = c;
  dw.groups = 24;
  dw.act = Activation::hardswish;
  const auto d = g.add(OpKind::conv2d, dw, {a, g.weight("dw.w", {24, 1, 3, 3}, uniform()), g.weight("dw.b", {24}, uniform())}, "dw");
  Conv2dAttrs pw;
  pw.has_bias = true;
  const auto p = g.add(OpKind::conv2d, pw, {d, g.weight("pw.w", {24, 24, 1, 1}, uniform()), g.weight("pw.b", {24}, uniform())}, "pw");
  const auto s = g.add(OpKind::add, NoAttrs{}, {p, a}, "res");
  const auto flat = g.add(OpKind::reshape, ReshapeAttrs{{2, 24 * 11 * 9}}, {s}, "flat");
  LinearAttrs la;
  la.act = Activation::gelu;
  const auto l = g.add(OpKind::linear, la, {flat, g.weight("fc.w", {13, 24 * 11 * 9}, uniform(0.05)), g.weight("fc.b", {13}, uniform())}, "fc");
  const auto t = g.add(OpKind::reshape, ReshapeAttrs{{2, 13, 1}}, {l}, "col");
  g.output(g.add(OpKind::matmul, MatmulAttrs{}, {t, g.add(OpKind::reshape, ReshapeAttrs{{2, 1, 13}}, {l}, "row")}, "outer"));
  const Graph graph = g.finish();
  check_bf16("conv, depthwise, residual, linear, matmul", graph, init_weights(graph, 3), random_inputs(graph, 4));
}

TEST(CpuBf16, Models) {
  EB_REQUIRE_BF16();
  const auto registry = make_workload_registry();
  for (const char* name : {"mobiledet-edgetpu", "m3vit-backbone"}) {
    const Workload& w = registry.get(name);
    const Graph graph = w.build({});
    const auto folded = fold_batch_norm(graph, w.make_weights(graph, 1));
    check_bf16(name, folded.graph, folded.weights, w.make_inputs(graph, 2));
  }
}

}  // namespace
}  // namespace eb::cpu_test
