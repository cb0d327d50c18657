// The end tasks of M³ViT with the backbone on the datapath and the task head on the host,
// as `edgebench run --model m3vit --backend fpga` partitions it: against the whole model in
// float on the host, the segmentation map's per-pixel class (arg-max) and the depth map
// (relative L2 error) stay close. The host is the cpu backend: the head's 3×3
// convolutions are about 6.4 GMAC, minutes on the reference backend, so without the cpu
// backend these tests skip (`edgebench run --model m3vit --backend fpga` records the same
// figures in its fidelity section).
#include <gtest/gtest.h>

#include <cstdio>

#include "backends/fpga/fpga_backend.h"
#include "bench/accuracy/fidelity.h"
#include "core/fold_batch_norm.h"
#include "core/partition.h"
#include "core/registry.h"
#include "models/workload.h"

namespace eb::fpga {
namespace {

struct TaskRun {
  Tensor on_fpga;  // backbone on the datapath, head on the host
  Tensor on_host;  // everything on the host in fp32
  std::string plan;
};

// The cpu backend, or null when it is not built or not available here.
const Backend* cpu_host(const BackendRegistry& backends) {
  const Backend* cpu = backends.find("cpu");
  return cpu && cpu->probe().available ? cpu : nullptr;
}

TaskRun run_task(const std::string& task) {
  const WorkloadRegistry workloads = make_workload_registry();
  const Workload& w = workloads.get("m3vit");
  const Graph g = w.build({task, 1});
  const FoldedModel m = fold_batch_norm(g, w.make_weights(g, 1));
  const auto inputs = w.make_inputs(g, 1);

  const BackendRegistry backends = make_backend_registry();
  const Backend& reference = backends.reference();
  const Backend& host = *cpu_host(backends);
  const auto fpga = make_fpga_backend();

  PartitionPlan plan;
  TaskRun r;
  r.on_fpga = compile_partitioned(m.graph, m.weights, *fpga, host, {}, &plan)->run(inputs).at(0);
  r.on_host = compile_partitioned(m.graph, m.weights, host, reference, {})->run(inputs).at(0);
  r.plan = plan.summary() + " (host: " + std::string(host.name()) + ")";
  return r;
}

TEST(FpgaTasks, SegmentationClassesAgreeWithTheFloatModel) {
  if (!cpu_host(make_backend_registry())) GTEST_SKIP() << "the cpu backend is not built or not available: the head would take minutes on the reference";
  const TaskRun r = run_task("seg");
  ASSERT_EQ(r.on_fpga.shape(), (Shape{1, 7, 128, 256}));
  const double agreement = bench::argmax_agreement(r.on_host, r.on_fpga, 1);
  const bench::TensorFidelity f = bench::compare_tensors(r.on_host, r.on_fpga);
  std::printf("seg: argmax agreement %.4f, logits relative L2 %.3g; %s\n", agreement, f.relative_l2, r.plan.c_str());
  RecordProperty("seg_argmax_agreement", std::to_string(agreement));
  RecordProperty("seg_relative_l2", std::to_string(f.relative_l2));
  EXPECT_GT(agreement, 0.95);
  EXPECT_LT(f.relative_l2, 0.05);
  EXPECT_EQ(f.non_finite, 0u);
}

TEST(FpgaTasks, DepthAgreesWithTheFloatModel) {
  if (!cpu_host(make_backend_registry())) GTEST_SKIP() << "the cpu backend is not built or not available: the head would take minutes on the reference";
  const TaskRun r = run_task("depth");
  ASSERT_EQ(r.on_fpga.shape(), (Shape{1, 1, 128, 256}));
  const bench::TensorFidelity f = bench::compare_tensors(r.on_host, r.on_fpga);
  std::printf("depth: relative L2 error %.3g, max |error| %.3g; %s\n", f.relative_l2, f.max_abs, r.plan.c_str());
  RecordProperty("depth_relative_l2", std::to_string(f.relative_l2));
  EXPECT_LT(f.relative_l2, 0.05);
  EXPECT_EQ(f.non_finite, 0u);
}

}  // namespace
}  // namespace eb::fpga
