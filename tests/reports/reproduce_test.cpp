// The paper tables: published figures (compiled in) beside records, without running anything.
#include "reports/reproduce.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/registry.h"
#include "models/workload.h"
#include "report_fixtures.h"

namespace eb::reports {
namespace {

const std::vector<std::string>* find_row(const SideBySide& t, const std::string& figure, const std::string& published_prefix = "") {
  for (const auto& row : t.rows)
    if (row[0] == figure && row[1].starts_with(published_prefix)) return &row;
  return nullptr;
}

TEST(ReportReproduce, PublishedFiguresAreCompiledInWithDevicesAndCitations) {
  const PublishedSet edge = embedded_published("edge-moe");
  ASSERT_EQ(edge.figures.size(), 4u);
  EXPECT_DOUBLE_EQ(edge.figures[0].value, 2.24);
  EXPECT_EQ(edge.figures[0].denominator, "gpu");
  EXPECT_DOUBLE_EQ(edge.figures[1].value, 4.90);
  EXPECT_NE(edge.figures[0].citation.find("arXiv:2305.18691"), std::string::npos);
  EXPECT_EQ(edge.figures[0].basis, "published");
  // The ideal-compute figure is derived here from the HLS trip counts, never published.
  EXPECT_EQ(edge.figures[2].metric, "datapath_latency_ms");
  EXPECT_EQ(edge.figures[2].basis, "derived");
  EXPECT_NE(edge.figures[2].derivation.find("5.2 M cycles"), std::string::npos);
  EXPECT_NE(edge.figures[2].citation.find("not published"), std::string::npos);
  // The ~59 ms per frame is the demo video's console, for the whole segmentation system.
  EXPECT_EQ(edge.figures[3].workload, "m3vit");
  EXPECT_NE(edge.figures[3].device.find("ZCU102"), std::string::npos);
  EXPECT_NE(edge.figures[3].citation.find("demo.mp4"), std::string::npos);
  EXPECT_NE(edge.figures[3].citation.find("59.49 ms"), std::string::npos);
  const char* derived_without_how =
      R"({"citations": {"c": "x"}, "models": [{"results": [{"metric": "latency_ms", "value": 1, "device": "d", "citation": "c", "basis": "derived"}]}]})";
  EXPECT_THROW(parse_published(derived_without_how, "x", "x.json"), std::runtime_error);
  const char* unknown_basis =
      R"({"citations": {"c": "x"}, "models": [{"results": [{"metric": "latency_ms", "value": 1, "device": "d", "citation": "c", "basis": "guessed"}]}]})";
  EXPECT_THROW(parse_published(unknown_basis, "x", "x.json"), std::runtime_error);
  const PublishedSet md = embedded_published("mobiledet");
  for (const auto& f : md.figures) {
    EXPECT_FALSE(f.citation.empty());
    if (f.metric == "latency_ms") {
      EXPECT_FALSE(f.device.empty());
    }
  }
  EXPECT_THROW(embedded_published("alexnet"), std::invalid_argument);
  EXPECT_THROW(parse_published(R"({"models": [{"results": [{"metric": "latency_ms", "value": 1}]}]})", "x", "x.json"),
               std::runtime_error);  // no citation, no device
}

TEST(ReportReproduce, EdgeMoeTableSetsOurModeledRatioBesideThePapers) {
  const auto records = testing::fixture_records();
  const SideBySide t = side_by_side(embedded_published("edge-moe"), records);
  const auto* vs_cpu = find_row(t, "m3vit-backbone: energy efficiency fpga vs cpu");
  ASSERT_NE(vs_cpu, nullptr);
  EXPECT_EQ((*vs_cpu)[1], "4.90× [1]");
  EXPECT_TRUE((*vs_cpu)[3].starts_with("~3.98× ["));  // modeled fpga against the measured cpu: modeled
  const auto* vs_gpu = find_row(t, "m3vit-backbone: energy efficiency fpga vs gpu");
  ASSERT_NE(vs_gpu, nullptr);
  EXPECT_EQ((*vs_gpu)[3], "–");
  EXPECT_EQ((*vs_gpu)[4], "no gpu record here");
  // The derived ideal compute beside our datapath time (the fixture has no split: its whole).
  const auto* ideal = find_row(t, "m3vit-backbone: datapath time vs ideal compute (derived)", "about 17.3 ms, derived");
  ASSERT_NE(ideal, nullptr);
  EXPECT_EQ((*ideal)[3], "~30.10 ms p50 datapath (+74.0% vs derived)");
  // No m3vit (seg) record in the fixtures: the demo's per-frame figure has nothing beside it.
  const auto* frame = find_row(t, "m3vit: latency", "about 59 ms");
  ASSERT_NE(frame, nullptr);
  EXPECT_EQ((*frame)[3], "–");
  // Our other backends still show, with no published figure beside them.
  const auto* cpu = find_row(t, "m3vit-backbone: latency", "–");
  ASSERT_NE(cpu, nullptr);
  EXPECT_EQ(t.citations.size(), 3u);
}

TEST(ReportReproduce, EdgeMoeSystemTimeIsSetBesideTheDemoWithItsLabelledParts) {
  RecordView seg;
  seg.model = "m3vit";
  seg.backend = "fpga";
  seg.device = "Edge-MoE datapath, C simulation";
  seg.precision = "fixed";
  const Provenance model = Provenance::modeled("edge-moe-cycle-model");
  seg.p50_ns = Figure{60e6, model};
  seg.system_parts = {{"device", "the device", Figure{19.5e6, model}},
                      {"transfers", "1 MB", Figure{0.5e6, Provenance::modeled("zcu102-ddr-transfer")}},
                      {"host", "1 fallback partition", Figure{40e6, Provenance::measured("steady_clock")}}};
  RecordView backbone = seg;
  backbone.model = "m3vit-backbone";
  backbone.p50_ns = Figure{20e6, model};
  backbone.system_parts = {{"device", "the device", Figure{19.9e6, model}},
                           {"transfers", "0.2 MB", Figure{0.1e6, Provenance::modeled("zcu102-ddr-transfer")}}};
  const SideBySide t = side_by_side(embedded_published("edge-moe"), {seg, backbone});
  const auto* frame = find_row(t, "m3vit: system time per frame", "about 59 ms");
  ASSERT_NE(frame, nullptr);
  EXPECT_EQ((*frame)[3],
            "~60.00 ms p50 system (+1.7% vs published) = datapath ~19.50 ms (modeled) + DDR transfers ~500.0 µs (modeled) + "
            "host fallback 40.00 ms (measured); medians of each part");
  // The derived ideal compute is set beside the datapath part, not the system time.
  const auto* ideal = find_row(t, "m3vit-backbone: datapath time vs ideal compute (derived)", "about 17.3 ms, derived");
  ASSERT_NE(ideal, nullptr);
  EXPECT_TRUE((*ideal)[3].starts_with("~19.90 ms p50 datapath (+15.0% vs derived)")) << (*ideal)[3];
  bool noted = false;
  for (const auto& n : t.notes) noted = noted || n.find("5.2 M cycles") != std::string::npos;
  EXPECT_TRUE(noted);
}

TEST(ReportReproduce, MobileDetLatencyOnlyBesideAMatchingBackendAndItsDevice) {
  const SideBySide t = side_by_side(embedded_published("mobiledet"), testing::fixture_records());
  const auto* cpu = find_row(t, "mobiledet-cpu: latency", "113 ms");
  ASSERT_NE(cpu, nullptr);
  EXPECT_EQ((*cpu)[2], "Google Pixel 1 CPU");
  EXPECT_EQ((*cpu)[3], "21.25 ms p50");
  EXPECT_TRUE((*cpu)[4].starts_with("cpu: Test CPU"));
  const auto* map = find_row(t, "mobiledet-cpu: accuracy", "24.0 mAP");
  ASSERT_NE(map, nullptr);
  EXPECT_TRUE((*map)[3].starts_with("2"));  // a COCO evaluation in the record
  const auto* dsp = find_row(t, "mobiledet-dsp: latency", "12.3 ms");
  ASSERT_NE(dsp, nullptr);
  EXPECT_EQ((*dsp)[4], "no dsp backend here");
  const auto* baseline = find_row(t, "SSDLite MobileNetV3-Large 320x320 COCO (baseline, not an edgebench workload): latency", "119 ms");
  ASSERT_NE(baseline, nullptr);
  EXPECT_EQ((*baseline)[4], "not an edgebench workload");
}

TEST(ReportReproduce, CoralRowsAreLikeForLikeWithTheModelsError) {
  const PublishedSet md = published_for(paper_matrix("mobiledet"));
  // The paper's own figures, and Coral's for the matrix's workloads only (no classifiers).
  bool ssd = false, classifier = false;
  for (const auto& f : md.figures) {
    ssd = ssd || (f.workload == "ssd-mobilenet-v1" && f.value == 6.5);
    classifier = classifier || f.workload == "mobilenet-v1";
  }
  EXPECT_TRUE(ssd);
  EXPECT_FALSE(classifier);

  RecordView r;
  r.model = "ssd-mobilenet-v1";
  r.backend = "edgetpu";
  r.device = "Edge TPU integer simulation";
  r.precision = "int8";
  r.p50_ns = Figure{7.15e6, Provenance::modeled("edgetpu-model")};
  RecordView phone = r;
  phone.model = "mobiledet-edgetpu";
  const SideBySide t = side_by_side(md, {r, phone});
  const auto* row = find_row(t, "ssd-mobilenet-v1: latency", "6.5 ms");
  ASSERT_NE(row, nullptr);
  EXPECT_NE((*row)[3].find("+10.0% vs published; held out"), std::string::npos) << (*row)[3];
  // The Pixel 4's on-chip Edge TPU is not the modeled device: no figure of ours beside it.
  const auto* pixel = find_row(t, "mobiledet-edgetpu: latency", "6.9 ms");
  ASSERT_NE(pixel, nullptr);
  EXPECT_NE((*pixel)[4].find("not modeled here"), std::string::npos);
  const auto* usb = find_row(t, "mobiledet-edgetpu: latency", "9.1 ms");
  ASSERT_NE(usb, nullptr);
  EXPECT_NE((*usb)[3].find("vs published"), std::string::npos);
}

TEST(ReportReproduce, MatricesAndSettings) {
  EXPECT_EQ(paper_matrix("edge-moe").workloads, std::vector<std::string>{"m3vit-backbone"});
  const auto system_jobs = paper_matrix("edge-moe").system_jobs;  // the whole segmentation model, for the demo's figure
  ASSERT_EQ(system_jobs.size(), 1u);
  EXPECT_EQ(system_jobs[0], (std::pair<std::string, std::string>{"m3vit", "fpga"}));
  EXPECT_EQ(paper_matrix("mobiledet").workloads.size(), 6u);  // four MobileDets and the two SSD MobileNet baselines
  EXPECT_EQ(paper_matrix("coral").workloads.size(), 5u);
  EXPECT_THROW(paper_matrix("alexnet"), std::invalid_argument);
  ReproduceSettings settings;
  settings.quick = true;
  const auto quick = reproduce_measure(settings);
  EXPECT_EQ(quick.stop.min_queries, 2);
  EXPECT_EQ(quick.stop.max_queries, 2);
  settings.quick = false;
  const auto full = reproduce_measure(settings);
  EXPECT_GE(full.stop.min_queries, 9);  // enough for the U test
}

}  // namespace
}  // namespace eb::reports

namespace eb::reports {
namespace {

// reproduce mobiledet runs the cpu in int8 beside fp32 where the CPU has int8 kernels,
// and says why not where it has none; other matrices are unchanged.
TEST(ReportReproduce, MobileDetPlansCpuInt8BesideFp32) {
  const BackendRegistry backends = make_backend_registry();
  const Backend* cpu = backends.find("cpu");
  if (!cpu || !cpu->probe().available) GTEST_SKIP() << "no cpu backend here";
  const WorkloadRegistry workloads = make_workload_registry();
  ReproduceSettings s;
  s.quick = true;
  s.backends = {"cpu"};
  s.power = "none";
  const ReproducePlan plan = plan_reproduction(paper_matrix("mobiledet"), s, backends, workloads);
  const auto planned = [&](const std::string& label) {
    return std::any_of(plan.jobs.begin(), plan.jobs.end(), [&](const PlannedJob& j) { return j.label == label; });
  };
  EXPECT_TRUE(planned("mobiledet-dsp on cpu (fp32)"));
  const auto ps = cpu->precisions();
  if (std::find(ps.begin(), ps.end(), Precision::int8) != ps.end()) {
    EXPECT_TRUE(planned("mobiledet-dsp on cpu (int8)"));
    EXPECT_TRUE(planned("mobiledet-cpu on cpu (int8)"));
  } else {
    ASSERT_FALSE(plan.skipped.empty());
    EXPECT_NE(plan.skipped.front().find("int8"), std::string::npos);
  }
  const ReproducePlan moe = plan_reproduction(paper_matrix("edge-moe"), s, backends, workloads);
  ASSERT_EQ(moe.jobs.size(), 1u);
  EXPECT_EQ(moe.jobs.front().label, "m3vit-backbone on cpu (fp32)");
}

}  // namespace
}  // namespace eb::reports
