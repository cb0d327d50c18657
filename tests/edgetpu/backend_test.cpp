// The Edge TPU backend: the compiler's cut rule, the run-time probe, the timing and power
// model, and whole graphs through the partitioner.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "backends/edgetpu/edgetpu_backend.h"
#include "backends/edgetpu/executable.h"
#include "backends/edgetpu/options.h"
#include "backends/edgetpu/runtime_probe.h"
#include "backends/edgetpu/support.h"
#include "backends/edgetpu/timing_model.h"
#include "core/partition.h"
#include "core/reference/reference_backend.h"
#include "core/registry.h"
#include "core/seeded_init.h"

namespace eb::edgetpu {
namespace {

CompileOptions int8_options() {
  CompileOptions o;
  o.precision = Precision::int8;
  return o;
}

// conv → layernorm → conv-like linear → relu: the cut is at the layer norm, and the
// linear and relu after it stay on the host although the Edge TPU could run them.
Graph cut_graph() {
  GraphBuilder b("cut");
  auto x = b.input("x", {1, 6, 4});
  LinearAttrs l;
  auto h = b.add(OpKind::linear, l, {x, b.weight("a.w", {8, 4}, WeightInit::with_std(0.3)), b.weight("a.b", {8}, WeightInit::zeros())}, "a");
  h = b.add(OpKind::relu6, NoAttrs{}, {h}, "a.act");
  h = b.add(OpKind::layernorm, LayerNormAttrs{}, {h, b.weight("n.g", {8}, WeightInit::ones()), b.weight("n.b", {8}, WeightInit::zeros())}, "norm");
  h = b.add(OpKind::linear, l, {h, b.weight("c.w", {8, 8}, WeightInit::with_std(0.3)), b.weight("c.b", {8}, WeightInit::zeros())}, "c");
  h = b.add(OpKind::gelu, NoAttrs{}, {h}, "c.act");
  h = b.add(OpKind::relu, NoAttrs{}, {h}, "out");
  b.output(h);
  return b.finish();
}

TEST(Support, CutAtFirstUnmappableOp) {
  const Graph g = cut_graph();
  const Cut c = find_cut(g);
  EXPECT_EQ(c.index, 2u);
  EXPECT_EQ(c.node, "norm");
  EXPECT_NE(c.reason.find("layernorm"), std::string::npos);
  const Capability claim = claim_before_cut(g);
  std::vector<bool> sup;
  for (std::size_t i = 0; i < g.nodes.size(); ++i) sup.push_back(claim.claimed(i));
  EXPECT_EQ(sup, (std::vector<bool>{true, true, false, false, false, false}));
  // Every node left to the host says why: the cut's own reason, its own, or the cut.
  EXPECT_EQ(claim.reasons[2], "layernorm: no Edge TPU kernel for the normalisation");
  EXPECT_EQ(claim.reasons[3], "after the Edge TPU compiler's cut at 'norm'");
  EXPECT_TRUE(op_mappable(g, g.nodes[3]));  // mappable, yet after the cut
  EXPECT_EQ(describe_cut(g),
            "cut at node 'norm' (layernorm: no Edge TPU kernel for the normalisation): 2 of 6 nodes on the Edge TPU, 4 on "
            "the host (also unmappable after the cut: gelu)");

  const auto backend = make_edgetpu_backend();
  const PartitionPlan plan = plan_partitions(g, *backend, int8_options());
  ASSERT_EQ(plan.partitions.size(), 2u);
  EXPECT_EQ(plan.partitions[0].backend, "edgetpu");
  EXPECT_EQ(plan.partitions[1].backend, "reference");
  EXPECT_EQ(plan.delegated_nodes, 2u);
  const std::string summary = plan.summary();
  EXPECT_EQ(summary.substr(summary.find("; fallback: ")),
            "; fallback: layernorm (no Edge TPU kernel for the normalisation), linear (after the Edge TPU compiler's cut at "
            "'norm'), gelu (no Edge TPU kernel (TFLite GELU runs on the CPU)), relu (after the Edge TPU compiler's cut at 'norm')");
}

TEST(Support, ShapesWithMoreThanThreeLargeDimensionsDoNotMap) {
  GraphBuilder b("batch");
  auto x = b.input("x", {2, 3, 4, 4});
  b.output(b.add(OpKind::relu, NoAttrs{}, {x}, "r"));
  const Graph g = b.finish();
  std::string why;
  EXPECT_FALSE(op_mappable(g, g.nodes[0], &why));
  EXPECT_NE(why.find("more than 3 dimensions"), std::string::npos);
}

TEST(RuntimeProbe, SaysWhatIsMissing) {
  const auto root = std::filesystem::temp_directory_path() / ("eb-edgetpu-probe-" + std::to_string(::getpid()));
  std::filesystem::remove_all(root);
  std::filesystem::create_directories(root / "dev");
  RuntimeStatus s = probe_runtime_with("libeb-no-such-edgetpu.so.1", "libeb-no-such-tflite-c.so", root.string());
  EXPECT_FALSE(s.complete());
  const std::string m = s.missing();
  EXPECT_NE(m.find("libedgetpu.so.1 not loadable"), std::string::npos) << m;
  EXPECT_NE(m.find("libeb-no-such-edgetpu.so.1"), std::string::npos) << m;  // dlerror names the file
  EXPECT_NE(m.find("libtensorflowlite_c.so not loadable"), std::string::npos) << m;
  EXPECT_NE(m.find("no Edge TPU device"), std::string::npos) << m;

  // A PCIe Edge TPU node and a USB Accelerator (before firmware load) are found.
  std::ofstream(root / "dev" / "apex_0").put('\n');
  std::filesystem::create_directories(root / "sys/bus/usb/devices/2-1");
  std::ofstream(root / "sys/bus/usb/devices/2-1/idVendor") << "1a6e\n";
  std::ofstream(root / "sys/bus/usb/devices/2-1/idProduct") << "089a\n";
  // libc is always loadable: it stands in for both libraries.
  s = probe_runtime_with("libc.so.6", "libc.so.6", root.string());
  EXPECT_TRUE(s.complete());
  EXPECT_EQ(s.missing(), "");
  EXPECT_EQ(s.devices.size(), 2u);
  std::filesystem::remove_all(root);
}

TEST(Backend, ProbeAndDescriptionSaySimulated) {
  const auto b = make_edgetpu_backend();
  const Probe p = b->probe();
  EXPECT_TRUE(p.available);  // the integer simulation always runs
  EXPECT_NE(p.device.find("simulation"), std::string::npos);
  EXPECT_NE(p.device.find("modeled"), std::string::npos);
  EXPECT_NE(std::string(b->description()).find("simulation"), std::string::npos);
  EXPECT_EQ(b->precisions(), std::vector<Precision>{Precision::int8});
  const BackendRegistry r = make_backend_registry();
  EXPECT_NE(r.find("edgetpu"), nullptr);
}

TEST(TimingModel, HandComputedLayers) {
  GraphBuilder b("t");
  auto x = b.input("x", {1, 64, 10, 10});
  Conv2dAttrs pw;
  pw.has_bias = true;
  auto h = b.add(OpKind::conv2d, pw, {x, b.weight("pw.w", {64, 64, 1, 1}, WeightInit::zeros()), b.weight("pw.b", {64}, WeightInit::zeros())}, "pw");
  Conv2dAttrs dw;
  dw.groups = 64;
  dw.pad = {1, 1, 1, 1};
  h = b.add(OpKind::conv2d, dw, {h, b.weight("dw.w", {64, 1, 3, 3}, WeightInit::zeros())}, "dw");
  h = b.add(OpKind::transpose, TransposeAttrs{{0, 2, 3, 1}}, {h}, "nhwc");
  b.output(h);
  const Graph g = b.finish();
  TpuParams p;
  p.compute_scale = 1;
  p.invoke_overhead_us = 300;
  p.layer_overhead_ns = 10;
  const GraphWork work = graph_work(g, p);
  ASSERT_EQ(work.layers.size(), 3u);
  const LayerWork &a = work.layers[0], &d = work.layers[1], &t = work.layers[2];
  EXPECT_EQ(a.array_cycles, 100);  // 1·1 tiles × 100 pixels (≥ 64 rows to load the next tile)
  EXPECT_EQ(d.array_cycles, 100);  // 64 channels on the columns, 9 taps on the rows
  EXPECT_EQ(a.param_bytes, 64 * 64 + 64 * 4);
  EXPECT_EQ(d.param_bytes, 64 * 9);
  EXPECT_EQ(a.activation_bytes, 2 * 6400);
  EXPECT_TRUE(t.is_view);  // NCHW→NHWC: the .tflite layout already
  EXPECT_EQ(work.io_bytes, 2 * 6400);
  EXPECT_DOUBLE_EQ(p.peak_tops(), 4.096);

  TimingReport r = model_timing(work, p);
  EXPECT_DOUBLE_EQ(r.layers[0].ns, 100 * 2.0 + 10);  // 2 ns per cycle at 500 MHz, plus the layer overhead
  EXPECT_DOUBLE_EQ(r.layers[2].ns, 0);               // a view costs nothing
  EXPECT_EQ(r.counted_layers, 2);
  EXPECT_DOUBLE_EQ(r.invoke_ns, 300e3);
  EXPECT_DOUBLE_EQ(r.transfer_ns, 12800 / 0.5);  // 500 MB/s
  EXPECT_EQ(r.streamed_bytes, 0);
  EXPECT_EQ(r.activation_reserve_bytes, 2 * 6400);
  EXPECT_DOUBLE_EQ(r.total_ns, 210 + 210 + 300e3 + 25600);
  EXPECT_GT(r.watts, p.idle_w);
  EXPECT_LT(r.watts, p.idle_w + 0.5 * 4.096);

  // A small layer waits for its weights: 4 pixels still cost the 64 cycles of a tile load.
  GraphBuilder sb("small");
  auto y = sb.input("y", {1, 64, 2, 2});
  sb.output(sb.add(OpKind::conv2d, Conv2dAttrs{}, {y, sb.weight("w", {128, 64, 1, 1}, WeightInit::zeros())}, "c"));
  const Graph small = sb.finish();
  EXPECT_EQ(layer_work(small, small.nodes[0], p).array_cycles, 2 * 64);

  // The compute scale multiplies the array time; the std clock halves the speed; SRAM that
  // the activations fill leaves too little for the parameters, which then stream.
  TpuParams slow = TpuParams::from(ResolvedOptions(edgetpu_options(), {{"edgetpu.clock", "std"}, {"edgetpu.cache_mib", "0.0135"}, {"edgetpu.link", "pcie"},
                                            {"edgetpu.compute_scale", "3"}, {"edgetpu.invoke_overhead_us", "0"}}));
  r = model_timing(work, slow);
  EXPECT_DOUBLE_EQ(r.layers[0].compute_ns, 100 * 4.0 * 3);
  // 0.0135 MiB = 14155 bytes, 12800 reserved for activations: 1355 left, pw (4352) streams, dw (576) fits.
  EXPECT_FALSE(r.layers[0].cached);
  EXPECT_DOUBLE_EQ(r.layers[0].stream_ns, 4352 / 0.5);
  EXPECT_DOUBLE_EQ(r.layers[0].ns, 4352 / 0.5);
  EXPECT_TRUE(r.layers[1].cached);
  EXPECT_THROW(TpuParams::from(ResolvedOptions(edgetpu_options(), {{"edgetpu.clock", "turbo"}})), std::invalid_argument);
  EXPECT_THROW(TpuParams::from(ResolvedOptions(edgetpu_options(), {{"edgetpu.link_mb_s", "-1"}})), std::invalid_argument);
  EXPECT_THROW(TpuParams::from(ResolvedOptions(edgetpu_options(), {{"edgetpu.compute_scale", "x"}})), std::invalid_argument);
}

// The declarations take their defaults from the structs, and the structs read them back
// through the framework's parse: with nothing given, exactly the structs' defaults.
TEST(Options, DeclaredDefaultsReadBackAsTheStructsDefaults) {
  const ResolvedOptions d(edgetpu_options(), {});
  EXPECT_EQ(TpuParams::from(d).as_info(), TpuParams{}.as_info());
  const CalibrationSettings c = CalibrationSettings::from(d), c0;
  EXPECT_EQ(c.samples, c0.samples);
  EXPECT_EQ(c.seed, c0.seed);
  EXPECT_EQ(c.input_lo, c0.input_lo);
  EXPECT_EQ(c.input_hi, c0.input_hi);
  const CalibrationSettings shared = calibration_settings({{"edgetpu.calibration", "3"}, {"cpu.other", "x"}});
  EXPECT_EQ(shared.samples, 3);
  EXPECT_THROW(calibration_settings({{"edgetpu.calibration.range", "1,0"}}), std::invalid_argument);
  EXPECT_THROW(calibration_settings({{"edgetpu.calibration.range", "0,1,2"}}), std::invalid_argument);
  // The std clock's name gives its MHz.
  EXPECT_EQ(TpuParams::from(ResolvedOptions(edgetpu_options(), {{"edgetpu.clock", "std"}})).clock_mhz, 250);
  EXPECT_EQ(TpuParams::from(d).clock_mhz, 500);
}

TEST(Backend, PartitionedGraphRunsAndReportsModeledTime) {
  const Graph g = cut_graph();
  const Weights w = init_weights(g, 3);
  const auto backend = make_edgetpu_backend();
  const auto reference = make_reference_backend();
  CompileOptions o = int8_options();
  o.extra["edgetpu.calibration"] = "2";
  PartitionPlan plan;
  auto exe = compile_partitioned(g, w, *backend, *reference, o, &plan);
  Tensor x(DType::f32, {1, 6, 4});
  for (std::size_t i = 0; i < 24; ++i) x.data<float>()[i] = 0.08f * static_cast<float>(i) - 0.9f;
  const auto out = exe->run(std::vector<Tensor>{x});
  const auto ref = reference->compile(g, w, {})->run(std::vector<Tensor>{x});
  ASSERT_EQ(out.size(), 1u);
  const auto dt = exe->last_device_time();
  ASSERT_TRUE(dt.has_value());
  EXPECT_EQ(dt->provenance.kind, Provenance::Kind::modeled);
  // Quantised in the first two layers only; the output stays close to the float one.
  double err = 0, mag = 0;
  for (std::size_t i = 0; i < ref[0].data<float>().size(); ++i) {
    err = std::max(err, static_cast<double>(std::abs(out[0].data<float>()[i] - ref[0].data<float>()[i])));
    mag = std::max(mag, static_cast<double>(std::abs(ref[0].data<float>()[i])));
  }
  EXPECT_LT(err, 0.1 * mag);
}

TEST(Backend, ExecutableInfoAndProfile) {
  GraphBuilder b("small");
  auto x = b.input("x", {1, 3, 8, 8});
  Conv2dAttrs c;
  c.has_bias = true;
  c.act = Activation::relu;
  b.output(b.add(OpKind::conv2d, c, {x, b.weight("w", {4, 3, 1, 1}, WeightInit::with_std(0.5)), b.weight("b", {4}, WeightInit::zeros())}, "conv"));
  const Graph g = b.finish();
  CompileOptions o = int8_options();
  o.extra["edgetpu.calibration"] = "1";
  EdgeTpuExecutable exe(g, init_weights(g, 1), o, ResolvedOptions(edgetpu_options(), o.extra), "test");
  EXPECT_FALSE(exe.last_device_time().has_value());
  exe.enable_profiling(true);
  (void)exe.run(std::vector<Tensor>{Tensor(DType::f32, {1, 3, 8, 8})});
  const auto prof = exe.last_profile();
  ASSERT_EQ(prof.size(), 2u);
  EXPECT_EQ(prof[0].node, "conv");
  EXPECT_EQ(prof[0].op, "edgetpu:conv2d");
  EXPECT_EQ(prof[1].op, "edgetpu:invoke");
  const auto info = exe.info();
  EXPECT_EQ(info.at("precision"), "int8");
  EXPECT_EQ(info.at("edgetpu.calibration"), "1");
  EXPECT_EQ(info.at("edgetpu.model.array"), "64x64");
  EXPECT_EQ(info.at("edgetpu.partition"), "all 1 nodes map to the Edge TPU");
  EXPECT_EQ(info.at("edgetpu.last_run.input_saturated"), "0");
}

}  // namespace
}  // namespace eb::edgetpu
