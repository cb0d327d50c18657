// Whole models on the cpu backend against the reference backend: the M³ViT backbone and
// both task heads, and every MobileDet variant, whose detections after decoding and NMS
// must be identical. The cpu backend runs the batch-norm-folded graph (as every backend
// does); the reference runs the graph as the model declares it.
#include "tests/cpu/conformance.h"

#include <chrono>

#include "core/fold_batch_norm.h"
#include "models/m3vit/m3vit.h"
#include "models/mobiledet/mobiledet.h"
#include "models/workload.h"

namespace eb::cpu_test {
namespace {

struct ModelRun {
  Graph graph;
  std::vector<Tensor> cpu;
  std::vector<Tensor> reference;
  double max_rel_l2 = 0;
};

ModelRun run_model(const std::string& name, const WorkloadOptions& options) {
  ModelRun r;
#ifdef EB_HAVE_CPU
  const auto registry = make_workload_registry();
  const Workload& w = registry.get(name);
  r.graph = w.build(options);
  const Weights weights = w.make_weights(r.graph, 1);
  const auto inputs = w.make_inputs(r.graph, 2);
  const auto folded = fold_batch_norm(r.graph, weights);
  CompileOptions opts;
  opts.threads = kTestThreads;
  const auto t0 = std::chrono::steady_clock::now();
  r.cpu = make_cpu_backend()->compile(folded.graph, folded.weights, opts)->run(inputs);
  const auto t1 = std::chrono::steady_clock::now();
  r.reference = make_reference_backend()->compile(r.graph, weights, {})->run(inputs);
  const auto t2 = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < r.cpu.size(); ++i) r.max_rel_l2 = std::max(r.max_rel_l2, rel_l2(r.cpu[i], r.reference[i]));
  const std::string label = name + (options.task.empty() ? "" : ":" + options.task) + " batch " + std::to_string(options.batch);
  std::printf("[conformance] %-48s rel_l2 %.3e  (cpu compile+run %.2f s, reference %.2f s)\n", label.c_str(), r.max_rel_l2,
              std::chrono::duration<double>(t1 - t0).count(), std::chrono::duration<double>(t2 - t1).count());
#else
  (void)name, (void)options;
#endif
  return r;
}

TEST(CpuModels, M3vitBackbone) {
  EB_REQUIRE_CPU();
  const ModelRun r = run_model("m3vit-backbone", {"", 1});
  EXPECT_LT(r.max_rel_l2, kFp32Tolerance);
}

TEST(CpuModels, M3vitBothTaskHeads) {
  EB_REQUIRE_CPU();
  for (const char* task : {"seg", "depth"}) {
    const ModelRun r = run_model("m3vit", {task, 1});
    EXPECT_LT(r.max_rel_l2, kFp32Tolerance) << task;
  }
}

// Detections after decoding and NMS: the same boxes, in the same order, of the same
// classes; scores and coordinates equal to fp32 rounding.
void expect_same_detections(const mobiledet::Detections& got, const mobiledet::Detections& want, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got.classes[i], want.classes[i]) << what << " detection " << i;
    EXPECT_NEAR(got.scores[i], want.scores[i], 1e-5) << what << " detection " << i;
    EXPECT_NEAR(got.boxes[i].ymin, want.boxes[i].ymin, 1e-4) << what << " detection " << i;
    EXPECT_NEAR(got.boxes[i].xmin, want.boxes[i].xmin, 1e-4) << what << " detection " << i;
    EXPECT_NEAR(got.boxes[i].ymax, want.boxes[i].ymax, 1e-4) << what << " detection " << i;
    EXPECT_NEAR(got.boxes[i].xmax, want.boxes[i].xmax, 1e-4) << what << " detection " << i;
  }
}

void check_detector(const std::string& name, int batch) {
  const ModelRun r = run_model(name, {"", batch});
  EXPECT_LT(r.max_rel_l2, kFp32Tolerance) << name;
  const auto anchors = mobiledet::ssdlite_anchors(r.graph);
  const auto index = [&](std::string_view t) {
    return static_cast<std::size_t>(std::find(r.graph.outputs.begin(), r.graph.outputs.end(), t) - r.graph.outputs.begin());
  };
  const std::size_t boxes = index(mobiledet::kBoxEncodings), logits = index(mobiledet::kClassLogits);
  const auto got = mobiledet::postprocess(r.cpu.at(boxes), r.cpu.at(logits), anchors);
  const auto want = mobiledet::postprocess(r.reference.at(boxes), r.reference.at(logits), anchors);
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t b = 0; b < got.size(); ++b) {
    std::printf("[conformance] %-48s %zu detections, identical: %s\n", (name + " image " + std::to_string(b)).c_str(),
                got[b].size(), got[b].size() == want[b].size() ? "checked below" : "NO");
    expect_same_detections(got[b], want[b], name + " image " + std::to_string(b));
  }
}

TEST(CpuModels, MobileDetCpuTwoImages) {
  EB_REQUIRE_CPU();
  check_detector("mobiledet-cpu", 2);
}

TEST(CpuModels, MobileDetOtherVariants) {
  EB_REQUIRE_CPU();
  for (const char* name : {"mobiledet-edgetpu", "mobiledet-dsp", "mobiledet-gpu"}) check_detector(name, 1);
}

}  // namespace
}  // namespace eb::cpu_test
