// The .tflite exporter: a hand graph read back through flatbuffers' verifier and the
// generated reader (tensors, NHWC shapes, quantisation, opcodes, options), the layout
// helpers, the refusal of ops it cannot write, and — for every MobileDet variant — the
// exported model run in the TFLite runtime (ai-edge-litert, tools/tflite_check.py) giving
// our int8 outputs: bit-exact, or ±1 LSB at most where TFLite's kernels themselves differ.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "backends/edgetpu/calibration.h"
#include "backends/edgetpu/quantized_program.h"
#include "backends/edgetpu/tflite_export.h"
#include "backends/edgetpu/tflite_layout.h"
#include "core/fold_batch_norm.h"
#include "core/seeded_init.h"
#include "models/workload.h"
#include "tests/support/temp_dir.h"

#if EB_HAVE_TFLITE_EXPORT
#include "backends/edgetpu/tflite_schema_generated.h"
#endif

namespace eb::edgetpu {
namespace {

TEST(TfliteLayout, PermutesShapesAndData) {
  const Shape nchw{1, 2, 2, 3};
  EXPECT_EQ(permute_shape(nchw, default_tflite_perm(4)), (Shape{1, 2, 3, 2}));
  EXPECT_EQ(inverse_perm(Perm{0, 2, 3, 1}), (Perm{0, 3, 1, 2}));
  std::vector<std::int8_t> v(12);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<std::int8_t>(i);
  // [c][h][w] -> [h][w][c]: element (h=0, w=1, c=1) is ours at 1*6 + 0*3 + 1 = 7.
  const auto t = permute_data(v, nchw, Perm{0, 2, 3, 1});
  EXPECT_EQ(t[(0 * 3 + 1) * 2 + 1], 7);
  EXPECT_EQ(permute_data(t, Shape{1, 2, 3, 2}, Perm{0, 3, 1, 2}), v);
  EXPECT_TRUE(keeps_memory_order(Shape{1, 8, 1, 1}, Perm{0, 2, 3, 1}));  // [N,C,1,1] -> [N,1,1,C]
  EXPECT_FALSE(keeps_memory_order(Shape{1, 8, 2, 2}, Perm{0, 2, 3, 1}));
  EXPECT_THROW(permute_shape(nchw, Perm{0, 1, 1, 2}), std::invalid_argument);
}

TEST(TfliteExport, RefusesOpsItCannotWriteNamingThem) {
  const WorkloadRegistry reg = make_workload_registry();
  const Graph g = reg.get("m3vit").build({});
  if (!tflite_export_available()) GTEST_SKIP() << "built without flatbuffers";
  try {
    check_tflite_exportable(g);
    FAIL() << "m3vit should not be exportable";
  } catch (const std::invalid_argument& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("layernorm"), std::string::npos) << m;
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
  }
  EXPECT_NO_THROW(check_tflite_exportable(reg.get("mobiledet-edgetpu").build({})));
}

#if EB_HAVE_TFLITE_EXPORT

// x [1,3,8,8] -> conv 3x3 (SAME, bias, ReLU6) -> + per-channel constant [4,1,1].
struct HandGraph {
  Graph graph;
  Weights weights;
  std::unique_ptr<QuantizedProgram> program;
};

HandGraph hand_graph() {
  GraphBuilder b("hand");
  const auto x = b.input("x", {1, 3, 8, 8});
  Conv2dAttrs c;
  c.pad = {1, 1, 1, 1};
  c.has_bias = true;
  c.act = Activation::relu6;
  const auto y = b.add(OpKind::conv2d, c, {x, b.weight("w", {4, 3, 3, 3}, WeightInit::with_std(0.4)), b.weight("b", {4}, WeightInit::with_std(0.1))},
                       "conv");
  b.output(b.add(OpKind::add, NoAttrs{}, {y, b.weight("k", {4, 1, 1}, WeightInit::with_std(1.0))}, "sum"));
  HandGraph h{b.finish(), {}, nullptr};
  h.weights = init_weights(h.graph, 3);
  CalibrationSettings s;
  s.samples = 2;
  h.program = std::make_unique<QuantizedProgram>(h.graph, h.weights, calibrate(h.graph, h.weights, s));
  return h;
}

std::vector<std::int32_t> vec(const flatbuffers::Vector<std::int32_t>* v) { return v ? std::vector<std::int32_t>(v->begin(), v->end()) : std::vector<std::int32_t>{}; }

TEST(TfliteExport, HandGraphRoundTripsThroughTheReader) {
  const HandGraph h = hand_graph();
  const TfliteModel m = export_tflite(*h.program, "hand");
  flatbuffers::Verifier verifier(m.bytes.data(), m.bytes.size());
  ASSERT_TRUE(tfl::VerifyModelBuffer(verifier));
  ASSERT_TRUE(tfl::ModelBufferHasIdentifier(m.bytes.data()));
  const tfl::Model* model = tfl::GetModel(m.bytes.data());
  EXPECT_EQ(model->version(), 3u);
  EXPECT_EQ(model->description()->str(), "hand");
  ASSERT_EQ(model->subgraphs()->size(), 1u);
  const tfl::SubGraph* sg = model->subgraphs()->Get(0);
  ASSERT_EQ(sg->operators()->size(), 2u);
  EXPECT_EQ(m.operators, 2);
  EXPECT_EQ(m.op_counts.at("CONV_2D"), 1);
  EXPECT_EQ(m.op_counts.at("ADD"), 1);
  EXPECT_EQ(model->buffers()->Get(0)->data(), nullptr);  // the empty buffer 0
  EXPECT_EQ(static_cast<std::int64_t>(sg->tensors()->size()), m.tensors);

  const auto tensor = [&](int i) { return sg->tensors()->Get(static_cast<flatbuffers::uoffset_t>(i)); };
  const auto opcode = [&](const tfl::Operator* op) { return model->operator_codes()->Get(op->opcode_index())->builtin_code(); };

  // Input: int8, NHWC, the program's parameters.
  ASSERT_EQ(sg->inputs()->size(), 1u);
  const tfl::Tensor* in = tensor(sg->inputs()->Get(0));
  EXPECT_EQ(in->name()->str(), "x");
  EXPECT_EQ(in->type(), tfl::TensorType_INT8);
  EXPECT_EQ(vec(in->shape()), (std::vector<std::int32_t>{1, 8, 8, 3}));
  const QParams xq = h.program->tensor("x").q;
  EXPECT_EQ(in->quantization()->scale()->Get(0), xq.scale);
  EXPECT_EQ(in->quantization()->zero_point()->Get(0), xq.zero_point);

  // Conv: OHWI weights with one scale per output channel on dimension 0, int32 bias, SAME, ReLU6.
  const tfl::Operator* conv = sg->operators()->Get(0);
  EXPECT_EQ(opcode(conv), tfl::BuiltinOperator_CONV_2D);
  ASSERT_EQ(conv->inputs()->size(), 3u);
  EXPECT_EQ(conv->inputs()->Get(0), sg->inputs()->Get(0));
  const tfl::Tensor* w = tensor(conv->inputs()->Get(1));
  EXPECT_EQ(w->type(), tfl::TensorType_INT8);
  EXPECT_EQ(vec(w->shape()), (std::vector<std::int32_t>{4, 3, 3, 3}));
  EXPECT_EQ(w->quantization()->scale()->size(), 4u);
  EXPECT_EQ(w->quantization()->quantized_dimension(), 0);
  const LoweredOp& lowered = h.program->ops().at(0);
  ASSERT_EQ(lowered.kind, LoweredOp::Kind::conv2d);
  for (int o = 0; o < 4; ++o) EXPECT_EQ(w->quantization()->scale()->Get(static_cast<flatbuffers::uoffset_t>(o)), lowered.weights->scales[static_cast<std::size_t>(o)]);
  // OHWI element (o=2, ky=1, kx=0, c=1) is ours [o=2][c=1][ky=1][kx=0].
  const auto* wdata = model->buffers()->Get(w->buffer())->data();
  ASSERT_EQ(wdata->size(), 4u * 3 * 3 * 3);
  EXPECT_EQ(static_cast<std::int8_t>(wdata->Get(((2 * 3 + 1) * 3 + 0) * 3 + 1)), lowered.weights->values[((2 * 3 + 1) * 3 + 1) * 3 + 0]);
  const tfl::Tensor* bias = tensor(conv->inputs()->Get(2));
  EXPECT_EQ(bias->type(), tfl::TensorType_INT32);
  EXPECT_EQ(vec(bias->shape()), (std::vector<std::int32_t>{4}));
  const auto* bdata = model->buffers()->Get(bias->buffer())->data();
  ASSERT_EQ(bdata->size(), 16u);
  std::int32_t b1 = 0;
  std::memcpy(&b1, bdata->data() + 4, 4);
  EXPECT_EQ(b1, lowered.weights->bias[1]);
  const auto* opts = conv->builtin_options_as_Conv2DOptions();
  ASSERT_NE(opts, nullptr);
  EXPECT_EQ(opts->padding(), tfl::Padding_SAME);
  EXPECT_EQ(opts->stride_w(), 1);
  EXPECT_EQ(opts->stride_h(), 1);
  EXPECT_EQ(opts->fused_activation_function(), tfl::ActivationFunctionType_RELU6);
  const tfl::Tensor* conv_out = tensor(conv->outputs()->Get(0));
  EXPECT_EQ(conv_out->name()->str(), "conv");
  EXPECT_EQ(vec(conv_out->shape()), (std::vector<std::int32_t>{1, 8, 8, 4}));

  // Add: the constant [4,1,1] broadcast as NHWC [1,1,1,4], per-tensor int8.
  const tfl::Operator* add = sg->operators()->Get(1);
  EXPECT_EQ(opcode(add), tfl::BuiltinOperator_ADD);
  EXPECT_EQ(add->inputs()->Get(0), conv->outputs()->Get(0));
  const tfl::Tensor* k = tensor(add->inputs()->Get(1));
  EXPECT_EQ(vec(k->shape()), (std::vector<std::int32_t>{1, 1, 1, 4}));
  EXPECT_EQ(k->quantization()->scale()->size(), 1u);
  const QTensor& kq = h.program->tensor("k");
  EXPECT_TRUE(kq.constant);
  EXPECT_EQ(static_cast<std::int8_t>(model->buffers()->Get(k->buffer())->data()->Get(3)), kq.data[3]);
  ASSERT_EQ(sg->outputs()->size(), 1u);
  EXPECT_EQ(sg->outputs()->Get(0), add->outputs()->Get(0));
  EXPECT_EQ(m.outputs.at(0).perm, (Perm{0, 2, 3, 1}));
}

TEST(TfliteExport, DepthwiseExplicitPaddingAndTransposes) {
  // Depthwise 3x3 stride 2 with padding SAME would not give (top 1, bottom 0): an explicit
  // PAD; then NCHW -> NHWC transpose (free) and a reshape to rows.
  GraphBuilder b("dw");
  const auto x = b.input("x", {1, 4, 6, 6});
  Conv2dAttrs c;
  c.groups = 4;
  c.stride = {2, 2};
  c.pad = {1, 1, 0, 0};
  c.has_bias = true;
  const auto y = b.add(OpKind::conv2d, c, {x, b.weight("w", {8, 1, 3, 3}, WeightInit::with_std(0.4)), b.weight("b", {8}, WeightInit::zeros())}, "dw");
  const auto t = b.add(OpKind::transpose, TransposeAttrs{{0, 2, 3, 1}}, {y}, "nhwc");
  b.output(b.add(OpKind::reshape, ReshapeAttrs{{1, -1, 4}}, {t}, "rows"));
  const Graph g = b.finish();
  const Weights w = init_weights(g, 5);
  const QuantizedProgram p(g, w, calibrate(g, w, CalibrationSettings{}));
  const TfliteModel m = export_tflite(p, "dw");
  flatbuffers::Verifier verifier(m.bytes.data(), m.bytes.size());
  ASSERT_TRUE(tfl::VerifyModelBuffer(verifier));
  EXPECT_EQ(m.op_counts.at("PAD"), 1);
  EXPECT_EQ(m.op_counts.at("DEPTHWISE_CONV_2D"), 1);
  EXPECT_EQ(m.op_counts.at("RESHAPE"), 1);
  EXPECT_FALSE(m.op_counts.contains("TRANSPOSE"));
  const tfl::Model* model = tfl::GetModel(m.bytes.data());
  const tfl::SubGraph* sg = model->subgraphs()->Get(0);
  const tfl::Operator* dw = sg->operators()->Get(1);
  const auto* opts = dw->builtin_options_as_DepthwiseConv2DOptions();
  ASSERT_NE(opts, nullptr);
  EXPECT_EQ(opts->depth_multiplier(), 2);
  EXPECT_EQ(opts->padding(), tfl::Padding_VALID);
  const tfl::Tensor* wt = sg->tensors()->Get(static_cast<flatbuffers::uoffset_t>(dw->inputs()->Get(1)));
  EXPECT_EQ(vec(wt->shape()), (std::vector<std::int32_t>{1, 3, 3, 8}));
  EXPECT_EQ(wt->quantization()->quantized_dimension(), 3);
  EXPECT_EQ(m.outputs.at(0).shape, (std::vector<std::int32_t>{1, 18, 4}));
}

// ---- equality with the TFLite runtime ------------------------------------------------

bool litert_importable() { return std::system("python3 -c 'import ai_edge_litert' >/dev/null 2>&1") == 0; }

void write_raw(const std::filesystem::path& path, const std::vector<std::int8_t>& v) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size()));
  ASSERT_TRUE(f.good()) << path;
}

std::string run_capture(const std::string& cmd, int& status) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) {
    status = -1;
    return out;
  }
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  status = ::pclose(p);
  return out;
}

// Exports `program` (after a run), runs it in ai-edge-litert as a whole and every step as
// a model of its own, and expects our int8 outputs (see tools/tflite_check.py).
void expect_matches_litert(const QuantizedProgram& program, const std::string& label) {
  const TfliteModel m = export_tflite(program, label);

  test::TempDir dir;
  {
    std::ofstream model(dir / "model.tflite", std::ios::binary);
    model.write(reinterpret_cast<const char*>(m.bytes.data()), static_cast<std::streamsize>(m.bytes.size()));
  }
  std::string cmd = "python3 " EB_SOURCE_DIR "/tools/tflite_check.py " + (dir / "model.tflite").string();
  for (std::size_t i = 0; i < m.inputs.size(); ++i) {
    const auto path = dir / ("in" + std::to_string(i) + ".bin");
    write_raw(path, to_tflite_layout(program.tensor(program.input_names()[i]), m.inputs[i]));
    cmd += " --input " + path.string();
  }
  std::int64_t elements = 0;
  for (std::size_t i = 0; i < m.outputs.size(); ++i) {
    const auto path = dir / ("out" + std::to_string(i) + ".bin");
    const auto data = to_tflite_layout(program.tensor(program.output_names()[i]), m.outputs[i]);
    elements += static_cast<std::int64_t>(data.size());
    write_raw(path, data);
    cmd += " --expected " + path.string();
  }
  int status = 0;
  const std::string out = run_capture(cmd, status);
  ASSERT_NE(out.find('{'), std::string::npos) << "tflite_check.py printed no result (status " << status << "): " << out;
  const auto j = nlohmann::json::parse(out.substr(out.find('{')));
  EXPECT_EQ(j.at("elements").get<std::int64_t>(), elements);
  const auto report = [&](const char* run) {
    const auto& r = j.at("runs").at(run);
    const auto exact = r.at("exact").get<std::int64_t>(), off = r.at("off_by_one").get<std::int64_t>();
    std::printf("[ tflite   ] %s, %s kernels: %lld of %lld outputs exact, %lld off by 1 LSB, %lld by more (max %d)\n", label.c_str(), run,
                static_cast<long long>(exact), static_cast<long long>(elements), static_cast<long long>(off),
                static_cast<long long>(r.at("larger").get<std::int64_t>()), r.at("max_abs_diff").get<int>());
    ::testing::Test::RecordProperty(label + "." + std::string(run) + "_exact", std::to_string(exact));
    ::testing::Test::RecordProperty(label + "." + std::string(run) + "_off_by_one", std::to_string(off));
    return r;
  };
  // TFLite's reference kernels: the arithmetic our kernels reproduce.
  const auto& ref = report("reference");
  EXPECT_EQ(ref.at("larger").get<std::int64_t>(), 0) << "outputs differ from TFLite's reference kernels by more than 1 LSB";
  EXPECT_EQ(ref.at("exact").get<std::int64_t>() + ref.at("off_by_one").get<std::int64_t>(), elements);
  // Its optimised kernels round some requantisations differently (±1 LSB per op), which
  // compounds over ~130 layers: the end-to-end counts are reported; each op fed identical
  // inputs must stay within ±1 LSB.
  const auto& opt = report("optimized");
  const auto& op = opt.at("per_op");
  std::printf("[ tflite   ] %s, optimized kernels per op: %d ops with identical inputs checked, %d differ, max %d LSB (first: %s)\n",
              label.c_str(), op.at("checked").get<int>(), op.at("differing").get<int>(), op.at("max_abs_diff").get<int>(),
              op.at("first_differing").is_null() ? "none" : op.at("first_differing").get<std::string>().c_str());
  EXPECT_GE(op.at("checked").get<int>(), 1);
  EXPECT_LE(op.at("max_abs_diff").get<int>(), 1);
  EXPECT_EQ(status, 0) << out;

  // Op by op: every step as a model of its own, fed our int8 inputs, so that each TFLite
  // kernel (reference and optimised) is compared with ours on identical inputs.
  nlohmann::json cases = nlohmann::json::array();
  for (std::size_t i = 0; i < program.ops().size(); ++i) {
    const TfliteModel step = export_tflite_steps(program, i, i + 1, label);
    std::string ops;
    for (const auto& [name, n] : step.op_counts) ops += (ops.empty() ? "" : "+") + name;
    const auto stem = dir / ("step" + std::to_string(i));
    {
      std::ofstream model(stem.string() + ".tflite", std::ios::binary);
      model.write(reinterpret_cast<const char*>(step.bytes.data()), static_cast<std::streamsize>(step.bytes.size()));
    }
    nlohmann::json c{{"label", ops}, {"model", stem.string() + ".tflite"}, {"inputs", nlohmann::json::array()}, {"expected", nlohmann::json::array()}};
    for (std::size_t k = 0; k < step.inputs.size(); ++k) {
      const std::string path = stem.string() + ".in" + std::to_string(k);
      write_raw(path, to_tflite_layout(program.tensor(step.inputs[k].name), step.inputs[k]));
      c["inputs"].push_back(path);
    }
    const std::string path = stem.string() + ".out";
    write_raw(path, to_tflite_layout(program.tensor(program.ops()[i].output), step.outputs.at(0)));
    c["expected"].push_back(path);
    cases.push_back(std::move(c));
  }
  {
    std::ofstream f(dir / "cases.json");
    f << cases.dump();
  }
  const std::string steps_out = run_capture("python3 " EB_SOURCE_DIR "/tools/tflite_check.py --cases " + (dir / "cases.json").string(), status);
  ASSERT_NE(steps_out.find('{'), std::string::npos) << "tflite_check.py printed no result (status " << status << "): " << steps_out;
  const auto sj = nlohmann::json::parse(steps_out.substr(steps_out.find('{')));
  for (const auto& [ops, v] : sj.at("labels").items()) {
    for (const char* run : {"reference", "optimized"}) {
      const auto& r = v.at(run);
      std::printf("[ tflite   ] %s, per step %s x%d, %s kernels: %lld exact, %lld off by 1 LSB, %lld by more\n", label.c_str(), ops.c_str(),
                  v.at("cases").get<int>(), run, static_cast<long long>(r.at("exact").get<std::int64_t>()),
                  static_cast<long long>(r.at("off_by_one").get<std::int64_t>()), static_cast<long long>(r.at("larger").get<std::int64_t>()));
      EXPECT_EQ(r.at("larger").get<std::int64_t>(), 0) << label << ", " << ops << ", " << run << " kernels: more than 1 LSB from ours";
    }
  }
  EXPECT_EQ(status, 0) << steps_out;
}

class MobileDetEquality : public ::testing::TestWithParam<std::string> {};

TEST_P(MobileDetEquality, ExportedModelMatchesOurIntegerKernelsInTfliteRuntime) {
  if (!litert_importable()) GTEST_SKIP() << "python3 cannot import ai_edge_litert (pip install ai-edge-litert; tools/test.sh does)";
  const WorkloadRegistry reg = make_workload_registry();
  const Workload& wl = reg.get(GetParam());
  const Graph g = wl.build({});
  const FoldedModel f = fold_batch_norm(g, wl.make_weights(g, 0));
  CalibrationSettings cal;
  cal.samples = 1;  // one seeded sample keeps the test fast; the equality does not depend on it
  QuantizedProgram program(f.graph, f.weights, calibrate(f.graph, f.weights, cal));
  (void)program.run(wl.make_inputs(g, 0));
  expect_matches_litert(program, GetParam());
}

// The ops MobileDet does not use: explicit PAD, standalone RELU6, SLICE, RESIZE_BILINEAR,
// a transpose that is not NCHW -> NHWC (a real TRANSPOSE before the MUL), a constant
// broadcast, LOGISTIC after HARD_SWISH, and a concat that requantises one input.
TEST(TfliteEquality, OpsMobileDetDoesNotUse) {
  if (!litert_importable()) GTEST_SKIP() << "python3 cannot import ai_edge_litert (pip install ai-edge-litert; tools/test.sh does)";
  GraphBuilder b("mixed");
  const auto x = b.input("x", {1, 4, 9, 9});
  Conv2dAttrs c;
  c.stride = {2, 2};
  c.pad = {1, 1, 0, 0};  // SAME would pad (1, 1) and give 5x5: an explicit PAD
  c.has_bias = true;
  c.act = Activation::relu;
  auto h = b.add(OpKind::conv2d, c, {x, b.weight("w", {8, 4, 3, 3}, WeightInit::with_std(0.3)), b.weight("b", {8}, WeightInit::with_std(0.2))}, "conv");
  h = b.add(OpKind::relu6, NoAttrs{}, {h}, "clip");
  h = b.add(OpKind::slice, SliceAttrs{1, 2, 6}, {h}, "slice");
  h = b.add(OpKind::resize_bilinear, ResizeAttrs{8, 8, false, true}, {h}, "up");
  h = b.add(OpKind::transpose, TransposeAttrs{{0, 2, 1, 3}}, {h}, "swap");
  h = b.add(OpKind::mul, NoAttrs{}, {h, b.weight("k", {8, 1, 1}, WeightInit::uniform(0.5, 2.0))}, "scale");
  const auto hs = b.add(OpKind::hardswish, NoAttrs{}, {h}, "hs");
  const auto sg = b.add(OpKind::sigmoid, NoAttrs{}, {hs}, "gate");
  const auto r1 = b.add(OpKind::reshape, ReshapeAttrs{{1, 8, 32}}, {sg}, "flat_gate");
  const auto r2 = b.add(OpKind::reshape, ReshapeAttrs{{1, 8, 32}}, {hs}, "flat_hs");
  b.output(b.add(OpKind::concat, ConcatAttrs{2}, {r1, r2}, "joined"));
  const Graph g = b.finish();
  const Weights w = init_weights(g, 11);
  CalibrationSettings cal;
  cal.samples = 2;
  QuantizedProgram program(g, w, calibrate(g, w, cal));
  (void)program.run(representative_inputs(g, cal, 7));  // not a calibration sample
  const TfliteModel m = export_tflite(program, "mixed");
  for (const char* op : {"PAD", "RELU6", "SLICE", "RESIZE_BILINEAR", "TRANSPOSE", "MUL", "HARD_SWISH", "LOGISTIC", "QUANTIZE", "CONCATENATION"})
    EXPECT_TRUE(m.op_counts.contains(op)) << op;
  expect_matches_litert(program, "mixed");
}

INSTANTIATE_TEST_SUITE_P(AllVariants, MobileDetEquality,
                         ::testing::Values("mobiledet-cpu", "mobiledet-edgetpu", "mobiledet-dsp", "mobiledet-gpu"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (auto& ch : n)
                             if (ch == '-') ch = '_';
                           return n;
                         });

#endif  // EB_HAVE_TFLITE_EXPORT

}  // namespace
}  // namespace eb::edgetpu
