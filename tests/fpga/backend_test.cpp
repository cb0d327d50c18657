// The fpga backend as the rest of edgebench sees it: probe, registration, which nodes it
// takes (the M³ViT heads' convolutions fall back to the host, and the plan says so), every
// supported operator against the reference backend, batches, determinism.
#include <gtest/gtest.h>

#include <cmath>

#include "backends/fpga/executable.h"
#include "backends/fpga/fpga_backend.h"
#include "backends/fpga/options.h"
#include "core/partition.h"
#include "core/reference/reference_backend.h"
#include "core/registry.h"
#include "core/fold_batch_norm.h"
#include "core/seeded_init.h"
#include "models/m3vit/m3vit.h"
#include "models/workload.h"

namespace eb::fpga {
namespace {

double max_abs_diff(const Tensor& a, const Tensor& b) {
  double m = 0;
  const auto x = a.data<float>(), y = b.data<float>();
  for (std::size_t i = 0; i < x.size(); ++i) m = std::max(m, std::abs(static_cast<double>(x[i]) - y[i]));
  return m;
}

// Runs a one-graph case on fpga and reference and returns the largest difference.
double against_reference(const Graph& g, std::uint64_t seed = 3, float lo = -1.0f, float hi = 1.0f) {
  const Weights w = init_weights(g, seed);
  const auto in = random_inputs(g, seed + 1, lo, hi);
  const auto got = make_fpga_backend()->compile(g, w, {})->run(in);
  const auto want = make_reference_backend()->compile(g, w, {})->run(in);
  EXPECT_EQ(got.size(), want.size());
  double m = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].shape(), want[i].shape());
    m = std::max(m, max_abs_diff(got[i], want[i]));
  }
  return m;
}

TEST(FpgaBackend, ProbeSaysItRunsAsCSimulationWithModeledTiming) {
  const auto b = make_fpga_backend();
  EXPECT_EQ(b->name(), "fpga");
  const Probe p = b->probe();
  EXPECT_TRUE(p.available);
  EXPECT_TRUE(p.reason.empty());
  EXPECT_NE(p.device.find("C simulation"), std::string::npos) << p.device;
  EXPECT_NE(p.device.find("no FPGA board"), std::string::npos) << p.device;
  EXPECT_NE(p.device.find("modeled"), std::string::npos) << p.device;
  // `edgebench list` shows whether the XRT runner is built (and if not, what to install).
#ifdef EB_FPGA_HAVE_XRT
  EXPECT_NE(p.device.find("runner built"), std::string::npos) << p.device;
#else
  EXPECT_NE(p.device.find("install libxrt-dev"), std::string::npos) << p.device;
#endif
  EXPECT_EQ(b->precisions(), std::vector<Precision>{Precision::fixed});
}

TEST(FpgaBackend, IsRegisteredBeforeTheReference) {
  const BackendRegistry r = make_backend_registry();
  const auto all = r.all();
  std::size_t fpga = all.size(), ref = all.size();
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i]->name() == "fpga") fpga = i;
    if (all[i]->name() == "reference") ref = i;
  }
  ASSERT_LT(fpga, all.size());
  EXPECT_LT(fpga, ref);
}

TEST(FpgaBackend, RunsTheBackboneAndLeavesTheHeadConvolutionsToTheHost) {
  const Graph g = m3vit::build_model("seg");
  const PartitionPlan plan = plan_partitions(g, *make_fpga_backend(), {});
  const std::string summary = plan.summary();
  RecordProperty("partition", summary);
  // Backbone (and the head's LayerNorm and token reshaping) on the datapath, then the host.
  ASSERT_EQ(plan.partitions.size(), 2u) << summary;
  EXPECT_EQ(plan.partitions[0].backend, "fpga");
  EXPECT_EQ(plan.partitions[1].backend, "reference");
  EXPECT_NE(summary.find("fallback: conv2d"), std::string::npos) << summary;
  for (std::size_t i : plan.partitions[0].nodes) EXPECT_NE(g.nodes[i].op, OpKind::resize_bilinear);
  const Graph backbone = m3vit::build_backbone("seg");
  const PartitionPlan bp = plan_partitions(backbone, *make_fpga_backend(), {});
  EXPECT_EQ(bp.delegated_nodes, bp.total_nodes) << bp.summary();
  CompileOptions strict;
  strict.allow_fallback = false;
  EXPECT_THROW(plan_partitions(g, *make_fpga_backend(), strict), std::runtime_error);
}

TEST(FpgaBackend, LinearWithAndWithoutFusedGelu) {
  for (Activation act : {Activation::none, Activation::gelu}) {
    GraphBuilder b("linear");
    const auto x = b.input("x", {2, 5, 40});
    const auto w = b.weight("w", {24, 40}, WeightInit::uniform(-0.3, 0.3));
    const auto bias = b.weight("b", {24}, WeightInit::uniform(-0.5, 0.5));
    b.output(b.add(OpKind::linear, LinearAttrs{act, true}, {x, w, bias}, "y"));
    EXPECT_LT(against_reference(b.finish()), 2e-3) << activation_name(act);
  }
}

TEST(FpgaBackend, LayerNormAttentionAndGelu) {
  GraphBuilder b("block");
  const auto x = b.input("x", {2, 33, 96});
  const auto g = b.weight("g", {96}, WeightInit::uniform(0.5, 1.5));
  const auto be = b.weight("be", {96}, WeightInit::uniform(-0.2, 0.2));
  const auto n = b.add(OpKind::layernorm, LayerNormAttrs{1e-6f}, {x, g, be}, "ln");
  const auto w = b.weight("w", {288, 96}, WeightInit::uniform(-0.15, 0.15));
  const auto qkv = b.add(OpKind::linear, LinearAttrs{Activation::none, false}, {n, w}, "qkv");
  const auto att = b.add(OpKind::attention, AttentionAttrs{3}, {qkv}, "attn");
  b.output(b.add(OpKind::gelu, NoAttrs{}, {att}, "act"));
  EXPECT_LT(against_reference(b.finish(), 5, -2.0f, 2.0f), 2e-3);
}

TEST(FpgaBackend, MixtureOfExpertsAndResidualAdd) {
  GraphBuilder b("moe");
  const auto x = b.input("x", {1, 24, 32});
  const auto gate = b.weight("gate", {32, 8}, WeightInit::uniform(-1.0, 1.0));
  const auto w1 = b.weight("w1", {8, 48, 32}, WeightInit::uniform(-0.3, 0.3));
  const auto b1 = b.weight("b1", {8, 48}, WeightInit::uniform(-0.1, 0.1));
  const auto w2 = b.weight("w2", {8, 32, 48}, WeightInit::uniform(-0.3, 0.3));
  const auto b2 = b.weight("b2", {8, 32}, WeightInit::uniform(-0.1, 0.1));
  MoeAttrs a;
  a.experts = 8;
  a.top_k = 2;
  a.hidden = 48;
  const auto m = b.add(OpKind::moe, a, {x, gate, w1, b1, w2, b2}, "moe");
  b.output(b.add(OpKind::add, NoAttrs{}, {x, m}, "residual"));
  EXPECT_LT(against_reference(b.finish(), 7), 2e-3);
}

TEST(FpgaBackend, PatchEmbeddingAndTokenLayout) {
  GraphBuilder b("embed");
  const auto img = b.input("img", {2, 3, 32, 48});
  Conv2dAttrs c;
  c.stride = {16, 16};
  c.has_bias = true;
  const auto w = b.weight("pw", {40, 3, 16, 16}, WeightInit::uniform(-0.06, 0.06));
  const auto bias = b.weight("pb", {40}, WeightInit::uniform(-0.1, 0.1));
  const auto f = b.add(OpKind::conv2d, c, {img, w, bias}, "conv");                        // [2, 40, 2, 3]
  const auto flat = b.add(OpKind::reshape, ReshapeAttrs{{2, 40, 6}}, {f}, "flat");
  const auto tok = b.add(OpKind::transpose, TransposeAttrs{{0, 2, 1}}, {flat}, "tokens");  // [2, 6, 40]
  const auto cls = b.weight("cls", {1, 1, 40}, WeightInit::uniform(-1, 1));
  const auto cls2 = b.add(OpKind::concat, ConcatAttrs{0}, {cls, cls}, "cls2");
  const auto all = b.add(OpKind::concat, ConcatAttrs{1}, {cls2, tok}, "all");             // [2, 7, 40]
  const auto pos = b.weight("pos", {1, 7, 40}, WeightInit::uniform(-0.5, 0.5));
  const auto x = b.add(OpKind::add, NoAttrs{}, {all, pos}, "pos_add");
  b.output(b.add(OpKind::slice, SliceAttrs{1, 1, 7}, {x}, "patches"));
  // Patch weights are floored to 2^−16 over 768 inputs: a few 10⁻⁴ at most.
  EXPECT_LT(against_reference(b.finish()), 1.5e-3);
}

TEST(FpgaBackend, DeclinesWhatTheDatapathDoesNotRun) {
  GraphBuilder b("other");
  const auto x = b.input("x", {1, 8, 6, 6});
  Conv2dAttrs c3;
  c3.pad = {1, 1, 1, 1};
  const auto w = b.weight("w", {8, 8, 3, 3}, WeightInit::uniform(-0.1, 0.1));
  const auto conv = b.add(OpKind::conv2d, c3, {x, w}, "conv3x3");
  const auto r = b.add(OpKind::relu, NoAttrs{}, {conv}, "relu");
  const auto w1 = b.weight("w1", {4, 8, 1, 1}, WeightInit::uniform(-0.1, 0.1));
  b.output(b.add(OpKind::conv2d, Conv2dAttrs{}, {r, w1}, "conv1x1"));
  const Graph g = b.finish();
  const auto be = make_fpga_backend();
  CompileOptions patch_only;
  patch_only.extra["fpga.convs"] = "patch";
  for (const Node& n : g.nodes) EXPECT_FALSE(be->supports(g, n, patch_only)) << n.name;
  EXPECT_EQ(be->unsupported_reason(g, g.nodes[0], patch_only),
            "im2col convolutions are off for this graph (fpga.convs, or attention in the graph)");
  // A standalone ReLU has no unit of its own; the convolutions run as im2col by default in
  // a graph without attention.
  EXPECT_EQ(be->unsupported_reason(g, g.nodes[1], {}), "no datapath unit");
  EXPECT_EQ(be->claim(g, {}).reasons, (std::vector<std::string>{"", "no datapath unit", ""}));
  EXPECT_TRUE(be->supports(g, g.nodes[0], {}));
  EXPECT_TRUE(be->supports(g, g.nodes[2], {}));
  CompileOptions bogus;
  bogus.extra["fpga.convs"] = "sideways";
  EXPECT_THROW(be->supports(g, g.nodes[0], bogus), std::invalid_argument);
}

// The executable runs with what the record stores (Backend::resolved_options): its cycle
// and power models' parameters, in its info, parse to the record's values, given or default.
TEST(FpgaBackend, RunsWithTheSettingsTheRecordStores) {
  GraphBuilder b("one");
  const auto x = b.input("x", {1, 16, 8, 8});
  b.output(b.add(OpKind::conv2d, Conv2dAttrs{}, {x, b.weight("w0", {32, 16, 1, 1}, WeightInit::uniform(-0.2, 0.2))}, "expand"));
  const Graph g = b.finish();
  const auto backend = make_fpga_backend();
  CompileOptions o;
  o.extra = {{"fpga.clock_mhz", "250"}, {"fpga.weight_load", "overlap"}, {"fpga.depth.linear", "30"}, {"fpga.power.static_w", "2.9"}};
  const ResolvedOptions record = backend->resolved_options(o);
  const auto exe = backend->compile(g, init_weights(g, 1), o);
  const auto info = exe->info();
  const ResolvedOptions ran(fpga_options(), info);  // the executable's parameters, parsed as the options are
  for (const char* key : {"fpga.clock_mhz", "fpga.axi_efficiency", "fpga.ddr_gbps", "fpga.power.static_w", "fpga.power.dynamic_w"})
    EXPECT_EQ(ran.get_double(key), record.get_double(key)) << key;
  for (const char* key : {"fpga.axi_bits", "fpga.weight_ports", "fpga.activation_ports", "fpga.depth.linear", "fpga.invocation_overhead"})
    EXPECT_EQ(ran.get_int(key), record.get_int(key)) << key;
  EXPECT_EQ(ran.get_choice("fpga.weight_load"), "overlap");
  EXPECT_EQ(record.strings().at("fpga.clock_mhz"), "250");
  EXPECT_EQ(record.strings().at("fpga.axi_bits"), "256");  // a default, recorded
}

TEST(FpgaBackend, Im2colConvolutionsMatchTheReference) {
  GraphBuilder b("cnn");
  const auto x = b.input("x", {1, 8, 6, 6});
  Conv2dAttrs c3;
  c3.pad = {1, 1, 1, 1};
  c3.act = Activation::relu6;
  c3.has_bias = true;
  const auto w = b.weight("w", {8, 8, 3, 3}, WeightInit::uniform(-0.1, 0.1));
  const auto bias = b.weight("b", {8}, WeightInit::uniform(-0.1, 0.1));
  const auto conv = b.add(OpKind::conv2d, c3, {x, w, bias}, "conv3x3");
  const auto w1 = b.weight("w1", {4, 8, 1, 1}, WeightInit::uniform(-0.1, 0.1));
  b.output(b.add(OpKind::conv2d, Conv2dAttrs{}, {conv, w1}, "conv1x1"));
  const Graph g = b.finish();
  for (const Node& n : g.nodes) EXPECT_TRUE(make_fpga_backend()->supports(g, n, {})) << n.name;
  EXPECT_LT(against_reference(g), 5e-3);
}

TEST(FpgaBackend, MobileDetRunsItsOneGroupConvolutionsOnTheDatapath) {
  const WorkloadRegistry workloads = make_workload_registry();
  for (const char* model : {"mobiledet-cpu", "mobiledet-edgetpu", "mobiledet-dsp", "mobiledet-gpu"}) {
    const Workload& w = workloads.get(model);
    const Graph declared = w.build({});
    const FoldedModel m = fold_batch_norm(declared, w.make_weights(declared, 1));  // as every backend sees it
    const PartitionPlan plan = plan_partitions(m.graph, *make_fpga_backend(), {});
    RecordProperty(model, plan.summary());
    std::vector<bool> on_fpga(m.graph.nodes.size(), false);
    for (const Partition& p : plan.partitions)
      for (std::size_t i : p.nodes) on_fpga[i] = p.backend == "fpga";
    for (std::size_t i = 0; i < m.graph.nodes.size(); ++i) {
      const Node& n = m.graph.nodes[i];
      if (n.op != OpKind::conv2d) continue;
      // One-group convolutions (1×1 and full) as im2col on the linear unit, when the output
      // stage has their activation; depthwise ones, and the squeeze-and-excite gates' sigmoid
      // convolutions (on a 1×1 pooled map), on the host.
      const auto& a = n.attr<Conv2dAttrs>();
      const bool fused = a.act == Activation::none || a.act == Activation::relu || a.act == Activation::relu6 ||
                         a.act == Activation::hardswish;
      EXPECT_EQ(on_fpga[i], a.groups == 1 && fused) << model << ": " << n.name;
    }
    // Nearly all MACs are in the one-group convolutions; the plan reports the split.
    EXPECT_GT(static_cast<double>(plan.delegated_macs), 0.9 * static_cast<double>(plan.total_macs)) << plan.summary();
    EXPECT_LT(plan.delegated_nodes, plan.total_nodes) << plan.summary();
    EXPECT_NE(plan.summary().find("fallback: conv2d"), std::string::npos) << plan.summary();
  }
}

TEST(FpgaBackend, PartitionedRunChargesTheDatapathAndTheHostPartition) {
  // conv (datapath) → depthwise conv (host) → conv (datapath): two fpga partitions.
  GraphBuilder b("cnn");
  const auto x = b.input("x", {1, 16, 8, 8});
  const auto w0 = b.weight("w0", {32, 16, 1, 1}, WeightInit::uniform(-0.2, 0.2));
  const auto a = b.add(OpKind::conv2d, Conv2dAttrs{}, {x, w0}, "expand");
  Conv2dAttrs dw;
  dw.groups = 32;
  dw.pad = {1, 1, 1, 1};
  const auto wd = b.weight("wd", {32, 1, 3, 3}, WeightInit::uniform(-0.3, 0.3));
  const auto d = b.add(OpKind::conv2d, dw, {a, wd}, "depthwise");
  const auto w1 = b.weight("w1", {16, 32, 1, 1}, WeightInit::uniform(-0.2, 0.2));
  b.output(b.add(OpKind::conv2d, Conv2dAttrs{}, {d, w1}, "project"));
  const Graph g = b.finish();
  const Weights wt = init_weights(g, 4);
  const auto in = random_inputs(g, 5);
  PartitionPlan plan;
  auto exe = compile_partitioned(g, wt, *make_fpga_backend(), *make_reference_backend(), {}, &plan);
  ASSERT_EQ(plan.partitions.size(), 3u) << plan.summary();
  const auto got = exe->run(in);
  const auto want = make_reference_backend()->compile(g, wt, {})->run(in);
  EXPECT_LT(max_abs_diff(got[0], want[0]), 2e-3);

  // The device's part is the sum of the datapath partitions' modeled times (a convolution's
  // cycles depend on its shapes only); the host partition adds its measured wall time.
  double sum = 0, transfers = 0;
  for (std::size_t i = 0; i < plan.partitions.size(); ++i) {
    if (plan.partitions[i].backend != "fpga") continue;
    const Graph sub = extract_subgraph(g, plan.partitions[i], "part" + std::to_string(i));
    Weights sw;
    for (const auto& spec : sub.weights) sw.set(spec.name, wt.get(spec.name));
    auto part = make_fpga_backend()->compile(sub, sw, {});
    part->run(random_inputs(sub, 6));
    sum += part->last_device_time().value().ns;
    transfers += part->last_device_time().value().transfer_ns;
  }
  const auto dt = exe->last_device_time();
  ASSERT_TRUE(dt.has_value());
  EXPECT_EQ(dt->provenance.kind, Provenance::Kind::modeled);
  EXPECT_GT(sum, 0.0);
  EXPECT_NEAR(dt->ns - dt->host_ns, sum, 1e-9 * sum);
  EXPECT_GT(dt->host_ns, 0);
  // The DDR transfers in and out of both datapath partitions, labelled apart: expand reads
  // x (1024 values) and writes a (2048); project reads d (2048) and writes its output
  // (1024): 6144 values, each f32 on the host and Q32.10 in the kernel (8 B moved each).
  EXPECT_GT(transfers, 0);
  EXPECT_NEAR(dt->transfer_ns, transfers, 1e-9 * transfers);
  EXPECT_NEAR(dt->transfer_ns, 6144 * 8 / 17.06, 1e-6);
  EXPECT_EQ(dt->transfer_provenance.kind, Provenance::Kind::modeled);
  EXPECT_NE(dt->transfer_provenance.source.find("UG1182"), std::string::npos);
  EXPECT_NE(dt->transfer_what.find("2 device partition"), std::string::npos);
  // Energy over the system time of the split graph (several device partitions share one model).
  ASSERT_TRUE(exe->last_modeled_watts().has_value());
  EXPECT_GT(*exe->last_modeled_watts(), 0);
}

TEST(FpgaBackend, TransfersAreTheBoundaryBytesAtTheBoardsDdrRate) {
  GraphBuilder b("one");
  const auto x = b.input("x", {1, 16, 8, 8});
  const auto w0 = b.weight("w0", {32, 16, 1, 1}, WeightInit::uniform(-0.2, 0.2));
  b.output(b.add(OpKind::conv2d, Conv2dAttrs{}, {x, w0}, "expand"));
  const Graph g = b.finish();
  const Weights wt = init_weights(g, 4);
  const auto in = random_inputs(g, 5);
  for (const char* gbps : {"", "1"}) {
    CompileOptions o;
    if (*gbps) o.extra["fpga.transfer_gbps"] = gbps;
    auto exe = make_fpga_backend()->compile(g, wt, o);
    exe->run(in);
    const auto& fe = dynamic_cast<const FpgaExecutable&>(*exe);
    // 1024 values in, 2048 out, 4 B on each side.
    EXPECT_EQ(fe.last_transfer_bytes(), (1024 + 2048) * 8);
    const double rate = *gbps ? 1.0 : 17.06;  // bytes per ns
    const auto dt = exe->last_device_time().value();
    EXPECT_NEAR(dt.transfer_ns, 24576 / rate, 1e-6);
    EXPECT_NEAR(dt.ns, fe.last_cycles().seconds() * 1e9 + dt.transfer_ns, 1e-6);
    // Energy: the datapath's modeled power over its time; static power and the DDR energy
    // of the bytes over the transfers'.
    const PowerEstimate pe = *fe.last_power();
    const double joules = pe.joules + 3.5 * dt.transfer_ns * 1e-9 + 160e-12 * 24576;
    EXPECT_NEAR(*exe->last_modeled_watts() * dt.ns * 1e-9, joules, 1e-12);
    EXPECT_NE(exe->info().at("fpga.last_run.transfer_bytes"), "0");
    // The record says where the datapath is not yet the design's, bit for bit, and how many
    // results wrapped.
    EXPECT_NE(exe->info().at("fpga.formats.differences").find("hls::exp"), std::string::npos);
    EXPECT_NE(exe->info().at("fpga.formats").find("AP_WRAP"), std::string::npos);
    EXPECT_EQ(exe->info().at("fpga.last_run.fixed.wraps"), "0");
  }
  CompileOptions bad;
  bad.extra["fpga.transfer_gbps"] = "0";
  EXPECT_THROW(make_fpga_backend()->compile(g, wt, bad), std::invalid_argument);
}

TEST(FpgaBackend, ImagesOfABatchAreComputedIndependentlyAndRunsRepeat) {
  GraphBuilder b2("pair");
  const auto x = b2.input("x", {2, 17, 64});
  const auto w = b2.weight("w", {192, 64}, WeightInit::uniform(-0.2, 0.2));
  const auto qkv = b2.add(OpKind::linear, LinearAttrs{Activation::none, false}, {x, w}, "qkv");
  b2.output(b2.add(OpKind::attention, AttentionAttrs{2}, {qkv}, "attn"));
  const Graph g = b2.finish();
  const Weights wt = init_weights(g, 9);
  auto in = random_inputs(g, 10);
  auto exe = make_fpga_backend()->compile(g, wt, {});
  const auto first = exe->run(in);
  const auto again = exe->run(in);
  EXPECT_EQ(first[0], again[0]);
  // Swap the two images: the outputs swap, bit for bit.
  Tensor swapped = in[0];
  const auto n = static_cast<std::size_t>(17 * 64);
  auto s = swapped.data<float>();
  std::swap_ranges(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(n), s.begin() + static_cast<std::ptrdiff_t>(n));
  const auto out = exe->run(std::vector<Tensor>{swapped});
  const auto a = first[0].data<float>(), c = out[0].data<float>();
  const std::size_t half = a.size() / 2;
  EXPECT_TRUE(std::equal(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(half), c.begin() + static_cast<std::ptrdiff_t>(half)));
  EXPECT_TRUE(std::equal(a.begin() + static_cast<std::ptrdiff_t>(half), a.end(), c.begin()));
}

TEST(FpgaBackend, RecordsThatOnlyFixedPointIsAvailable) {
  GraphBuilder b("g");
  const auto x = b.input("x", {1, 16});
  b.output(b.add(OpKind::gelu, NoAttrs{}, {x}, "y"));
  const Graph g = b.finish();
  CompileOptions o;
  o.precision = Precision::fp32;
  const auto info = make_fpga_backend()->compile(g, init_weights(g, 1), o)->info();
  EXPECT_EQ(info.at("precision"), "fixed");
  EXPECT_NE(info.at("precision.reason").find("fp32 was requested"), std::string::npos);
  EXPECT_NE(info.at("fpga.mode").find("C simulation"), std::string::npos);
  EXPECT_EQ(info.at("fpga.clock_mhz"), "300");
}

}  // namespace
}  // namespace eb::fpga
