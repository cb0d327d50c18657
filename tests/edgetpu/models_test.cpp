// The paper's workloads on the Edge TPU backend: MobileDet-EdgeTPU maps whole and runs
// quantised close to the float reference; M³ViT is cut at its first layer norm.
#include <gtest/gtest.h>

#include <cmath>

#include "backends/edgetpu/edgetpu_backend.h"
#include "backends/edgetpu/executable.h"
#include "backends/edgetpu/options.h"
#include "backends/edgetpu/support.h"
#include "core/fold_batch_norm.h"
#include "core/partition.h"
#include "core/reference/reference_backend.h"
#include "models/workload.h"

namespace eb::edgetpu {
namespace {

CompileOptions one_sample() {
  CompileOptions o;
  o.precision = Precision::int8;
  o.extra.emplace("edgetpu.calibration", "1");  // one sample keeps the test fast (emplace: GCC 12 -Wrestrict false positive on assign)
  return o;
}

TEST(Models, MobileDetEdgeTpuRunsQuantisedCloseToFloat) {
  const WorkloadRegistry reg = make_workload_registry();
  const Workload& w = reg.get("mobiledet-edgetpu");
  const Graph g = w.build({});
  const FoldedModel f = fold_batch_norm(g, w.make_weights(g, 0));
  EXPECT_EQ(describe_cut(f.graph), "all " + std::to_string(f.graph.nodes.size()) + " nodes map to the Edge TPU");

  EdgeTpuExecutable exe(f.graph, f.weights, one_sample(), ResolvedOptions(edgetpu_options(), one_sample().extra), "test");
  const auto inputs = w.make_inputs(g, 0);
  const auto q = exe.run(inputs);
  const auto r = make_reference_backend()->compile(f.graph, f.weights, {})->run(inputs);
  ASSERT_EQ(q.size(), r.size());
  for (std::size_t k = 0; k < q.size(); ++k) {
    double dot = 0, nq = 0, nr = 0;
    auto a = q[k].data<float>(), b = r[k].data<float>();
    for (std::size_t i = 0; i < a.size(); ++i) {
      dot += static_cast<double>(a[i]) * b[i];
      nq += static_cast<double>(a[i]) * a[i];
      nr += static_cast<double>(b[i]) * b[i];
    }
    // Calibrated on one synthetic sample (not the test image), over ~130 int8 layers:
    // cosine ≈ 0.98 here (≈ 0.995 with the default 8 samples in `edgebench run`).
    const double cosine = dot / std::sqrt(nq * nr);
    EXPECT_GT(cosine, 0.95) << g.outputs[k];
    EXPECT_LT(cosine, 0.99999) << g.outputs[k] << " looks unquantised";
  }
  // The whole model fits the 8 MiB parameter cache: nothing streamed, and the modeled
  // time is a few milliseconds (the USB transfer of the 320×320 image and the outputs
  // included).
  EXPECT_EQ(exe.timing().streamed_bytes, 0);
  EXPECT_GT(exe.timing().total_ns, 1e6);
  EXPECT_LT(exe.timing().total_ns, 20e6);
}

TEST(Models, M3vitIsCutAtTheFirstLayerNorm) {
  const WorkloadRegistry reg = make_workload_registry();
  const Workload& w = reg.get("m3vit");
  const Graph g = w.build({});
  const FoldedModel f = fold_batch_norm(g, w.make_weights(g, 0));
  const Cut c = find_cut(f.graph);
  ASSERT_LT(c.index, f.graph.nodes.size());
  EXPECT_EQ(f.graph.nodes[c.index].op, OpKind::layernorm);
  const std::string d = describe_cut(f.graph);
  EXPECT_NE(d.find("moe"), std::string::npos) << d;
  EXPECT_NE(d.find("attention"), std::string::npos) << d;

  const auto backend = make_edgetpu_backend();
  const PartitionPlan plan = plan_partitions(f.graph, *backend, one_sample());
  EXPECT_EQ(plan.delegated_nodes, c.index);
  ASSERT_GE(plan.partitions.size(), 2u);
  EXPECT_EQ(plan.partitions.front().backend, "edgetpu");
  for (std::size_t p = 1; p < plan.partitions.size(); ++p) EXPECT_EQ(plan.partitions[p].backend, "reference");
  // The TPU prefix (patch embedding and position embedding) compiles to int8.
  const Graph prefix = extract_subgraph(f.graph, plan.partitions.front(), "prefix");
  Weights pw;
  for (const auto& spec : prefix.weights) pw.set(spec.name, f.weights.get(spec.name));
  EdgeTpuExecutable exe(prefix, pw, one_sample(), ResolvedOptions(edgetpu_options(), one_sample().extra), "test");
  EXPECT_GT(exe.timing().macs, 0);
}

}  // namespace
}  // namespace eb::edgetpu
