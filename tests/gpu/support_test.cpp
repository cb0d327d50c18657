// Which nodes the gpu backend claims (host-only): every node of every workload once batch
// norm is folded, in each precision; and the documented limits fall back with a reason.
#ifdef EB_HAVE_GPU
#include <gtest/gtest.h>

#include "backends/gpu/gpu_backend.h"
#include "backends/gpu/support.h"
#include "core/fold_batch_norm.h"
#include "core/partition.h"
#include "core/seeded_init.h"
#include "models/workload.h"

namespace eb {
namespace {

TEST(GpuSupport, EveryWorkloadRunsEntirelyOnTheGpu) {
  const auto backend = make_gpu_backend();
  const WorkloadRegistry workloads = make_workload_registry();
  for (const Workload* w : workloads.all())
    for (int batch : {1, 2}) {
      const Graph g = w->build({"", batch});
      const FoldedModel folded = fold_batch_norm(g, w->make_weights(g, 1));
      for (Precision p : {Precision::fp32, Precision::fp16, Precision::bf16}) {
        CompileOptions o;
        o.precision = p;
        for (const Node& n : folded.graph.nodes)
          EXPECT_EQ(gpu::unsupported_reason(folded.graph, n, o), "")
              << w->name() << " batch " << batch << " " << precision_name(p) << " node " << n.name;
        const PartitionPlan plan = plan_partitions(folded.graph, *backend, o);
        EXPECT_EQ(plan.delegated_nodes, plan.total_nodes) << plan.summary();
      }
    }
}

GraphBuilder conv_graph(bool batch_norm) {
  GraphBuilder b("conv");
  const auto x = b.input("x", {1, 4, 8, 8});
  Conv2dAttrs a;
  a.has_batch_norm = batch_norm;
  std::vector<std::string> in = {x, b.weight("w", {4, 4, 3, 3}, WeightInit::uniform(-1, 1))};
  if (batch_norm)
    for (const char* s : {"g", "b", "m", "v"}) in.push_back(b.weight(s, {4}, WeightInit::ones()));
  b.output(b.add(OpKind::conv2d, a, in, "y"));
  return b;
}

TEST(GpuSupport, UnfoldedBatchNormFallsBack) {
  const Graph g = conv_graph(true).finish();
  EXPECT_NE(gpu::unsupported_reason(g, g.nodes[0], {}).find("batch norm"), std::string::npos);
  const Graph folded = conv_graph(false).finish();
  EXPECT_EQ(gpu::unsupported_reason(folded, folded.nodes[0], {}), "");
}

TEST(GpuSupport, Int8AndFixedAreNotOffered) {
  const Graph g = conv_graph(false).finish();
  for (Precision p : {Precision::int8, Precision::fixed}) {
    CompileOptions o;
    o.precision = p;
    EXPECT_NE(gpu::unsupported_reason(g, g.nodes[0], o), "");
  }
}

TEST(GpuSupport, MatmulBroadcastNeedsOneStridePerOperand) {
  GraphBuilder b("mm");
  const auto a1 = b.input("a", {2, 1, 3, 4});
  const auto b1 = b.input("b", {1, 5, 4, 6});
  b.output(b.add(OpKind::matmul, MatmulAttrs{}, {a1, b1}, "cross"));  // [2,5,3,6]: a and b both broadcast
  const auto a2 = b.input("c", {2, 5, 3, 4});
  const auto b2 = b.input("d", {4, 6});
  b.output(b.add(OpKind::matmul, MatmulAttrs{}, {a2, b2}, "shared"));  // b shared by all
  const Graph g = b.finish();
  EXPECT_NE(gpu::unsupported_reason(g, g.nodes[0], {}), "");
  EXPECT_EQ(gpu::unsupported_reason(g, g.nodes[1], {}), "");
}

TEST(GpuSupport, MoeLimits) {
  for (int experts : {64, 65}) {
    GraphBuilder b("moe");
    const std::int64_t D = 8, H = 4, E = experts;
    MoeAttrs a;
    a.experts = experts;
    a.hidden = static_cast<int>(H);
    const auto x = b.input("x", {1, 3, D});
    b.output(b.add(OpKind::moe, a,
                   {x, b.weight("gate", {D, E}, WeightInit::zeros()), b.weight("w1", {E, H, D}, WeightInit::zeros()),
                    b.weight("b1", {E, H}, WeightInit::zeros()), b.weight("w2", {E, D, H}, WeightInit::zeros()),
                    b.weight("b2", {E, D}, WeightInit::zeros())},
                   "y"));
    const Graph g = b.finish();
    EXPECT_EQ(gpu::unsupported_reason(g, g.nodes[0], {}).empty(), experts <= 64) << experts;
  }
}

}  // namespace
}  // namespace eb
#endif
