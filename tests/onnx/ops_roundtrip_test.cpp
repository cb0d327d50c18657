// Operator by operator: small hand graphs covering what the six workloads may not reach
// (every resize coordinate mode, matmul with transposed b, slice, the standalone
// activations, MoE with renormalised top-k weights), exported and run in ONNX Runtime
// against the reference backend; and the exporter's refusals.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "core/reference/reference_backend.h"
#include "core/seeded_init.h"
#include "export/onnx/onnx_export.h"
#include "tests/onnx/onnx_test_support.h"
#include "tests/support/temp_dir.h"

namespace eb::onnx_export {
namespace {

// Exports `g` with seeded weights, runs it in ONNX Runtime on seeded inputs and returns
// onnx_check.py's report (outputs compared with the reference backend's).
test::CheckRun round_trip(const Graph& g) {
  const Weights w = init_weights(g, 7);
  const auto inputs = random_inputs(g, 11, -4.0f, 4.0f);
  const OnnxModel m = export_onnx(g, w, "ops test");
  test::TempDir dir;
  {
    std::ofstream f(dir / "m.onnx", std::ios::binary);
    f.write(reinterpret_cast<const char*>(m.bytes.data()), static_cast<std::streamsize>(m.bytes.size()));
  }
  std::string args = (dir / "m.onnx").string();
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    test::write_f32(dir / ("in" + std::to_string(i)), inputs[i]);
    args += " --input " + (dir / ("in" + std::to_string(i))).string();
  }
  const auto ref = make_reference_backend()->compile(g, w, {})->run(inputs);
  for (std::size_t i = 0; i < ref.size(); ++i) {
    test::write_f32(dir / ("out" + std::to_string(i)), ref[i]);
    args += " --expected " + (dir / ("out" + std::to_string(i))).string();
  }
  return test::onnx_check(args);
}

bool runtime_missing() { return !onnx_export_available() || !test::python_imports("onnxruntime") || !test::python_imports("onnx"); }
#define EB_SKIP_WITHOUT_RUNTIME()                                                                        \
  if (runtime_missing())                                                                                  \
  GTEST_SKIP() << (onnx_export_available() ? "python3 cannot import onnx and onnxruntime (pip install onnx onnxruntime)" \
                                            : onnx_export_unavailable_reason())

TEST(OnnxOps, ResizeModesSliceTransposeConcatActivations) {
  EB_SKIP_WITHOUT_RUNTIME();
  GraphBuilder b("ops");
  const auto x = b.input("x", {1, 3, 5, 7});
  std::vector<std::string> outs;
  for (int mode = 0; mode < 3; ++mode) {
    ResizeAttrs r;
    r.out_h = 9;
    r.out_w = mode == 2 ? 1 : 12;  // an output side of 1 is where half_pixel and pytorch_half_pixel differ
    r.align_corners = mode == 0;
    r.half_pixel_centers = mode == 2;
    const auto y = b.add(OpKind::resize_bilinear, r, {x}, "resize" + std::to_string(mode));
    b.output(y);
  }
  b.output(b.add(OpKind::slice, SliceAttrs{3, 2, 6}, {x}, "slice"));
  b.output(b.add(OpKind::transpose, TransposeAttrs{{0, 2, 3, 1}}, {x}, "nhwc"));
  b.output(b.add(OpKind::concat, ConcatAttrs{1}, {x, x}, "concat"));
  b.output(b.add(OpKind::global_avg_pool, NoAttrs{}, {x}, "gap"));
  for (OpKind op : {OpKind::gelu, OpKind::relu, OpKind::relu6, OpKind::hardswish, OpKind::hardsigmoid, OpKind::sigmoid})
    b.output(b.add(op, NoAttrs{}, {x}, std::string(op_name(op))));
  const auto r = round_trip(b.finish());
  EXPECT_EQ(r.status, 0) << r.text;
}

TEST(OnnxOps, ConvLinearMatmulLayernormSoftmaxAttention) {
  EB_SKIP_WITHOUT_RUNTIME();
  GraphBuilder b("nn");
  const auto x = b.input("x", {1, 4, 6, 6});
  Conv2dAttrs c;
  c.stride = {2, 2};
  c.pad = {0, 0, 1, 1};  // TF "SAME" at stride 2: asymmetric
  c.groups = 2;
  c.has_bias = true;
  c.act = Activation::hardswish;
  b.output(b.add(OpKind::conv2d, c, {x, b.weight("cw", {6, 2, 3, 3}, WeightInit::with_std(0.3)), b.weight("cb", {6}, WeightInit::with_std(0.1))}, "conv"));
  const auto t = b.input("t", {1, 5, 12});
  b.output(b.add(OpKind::linear, LinearAttrs{Activation::gelu, true}, {t, b.weight("lw", {8, 12}, WeightInit::with_std(0.3)), b.weight("lb", {8}, WeightInit::with_std(0.1))}, "linear"));
  b.output(b.add(OpKind::matmul, MatmulAttrs{true}, {t, t}, "gram"));
  b.output(b.add(OpKind::layernorm, LayerNormAttrs{1e-5f}, {t, b.weight("g", {12}, WeightInit::uniform(0.5, 1.5)), b.weight("be", {12}, WeightInit::with_std(0.1))}, "ln"));
  b.output(b.add(OpKind::softmax, SoftmaxAttrs{1}, {t}, "softmax"));
  b.output(b.add(OpKind::attention, AttentionAttrs{2}, {t}, "attention"));  // D = 4, 2 heads of 2
  const auto r = round_trip(b.finish());
  EXPECT_EQ(r.status, 0) << r.text;
}

TEST(OnnxOps, MoeWithAndWithoutRenormalisation) {
  EB_SKIP_WITHOUT_RUNTIME();
  for (bool renorm : {false, true}) {
    GraphBuilder b("moe");
    const auto x = b.input("x", {2, 7, 8});
    MoeAttrs a;
    a.experts = 5;
    a.top_k = 2;
    a.hidden = 6;
    a.act = Activation::relu;
    a.renormalize = renorm;
    b.output(b.add(OpKind::moe, a,
                   {x, b.weight("gate", {8, 5}, WeightInit::with_std(1.0)), b.weight("w1", {5, 6, 8}, WeightInit::with_std(0.3)),
                    b.weight("b1", {5, 6}, WeightInit::with_std(0.1)), b.weight("w2", {5, 8, 6}, WeightInit::with_std(0.3)),
                    b.weight("b2", {5, 8}, WeightInit::with_std(0.1))},
                   "moe"));
    const auto r = round_trip(b.finish());
    EXPECT_EQ(r.status, 0) << "renormalize " << renorm << ": " << r.text;
  }
}

TEST(OnnxExport, RefusesUnfoldedBatchNorm) {
  if (!onnx_export_available()) GTEST_SKIP() << onnx_export_unavailable_reason();
  GraphBuilder b("bn");
  const auto x = b.input("x", {1, 2, 4, 4});
  Conv2dAttrs c;
  c.has_batch_norm = true;
  const auto y = b.add(OpKind::conv2d, c,
                       {x, b.weight("w", {2, 2, 1, 1}, WeightInit::ones()), b.weight("g", {2}, WeightInit::ones()), b.weight("bt", {2}, WeightInit::zeros()),
                        b.weight("m", {2}, WeightInit::zeros()), b.weight("v", {2}, WeightInit::ones())},
                       "conv");
  b.output(y);
  const Graph g = b.finish();
  try {
    export_onnx(g, init_weights(g, 0), "");
    FAIL() << "an unfolded batch norm must be refused";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'conv'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace eb::onnx_export
