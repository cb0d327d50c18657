// Whole workloads on the gpu backend against the reference (batch norm folded, as every
// backend compiles them): fp32 with and without CUDA graphs, fp16 and bf16; MobileDet's
// detections after decoding and NMS must agree in fp32.
//
// M³ViT in fp16/bf16 is reported, not asserted: its top-2 routing is discontinuous, and a
// token whose second and third expert are closer than the 16-bit rounding of its
// activations may legitimately go to another expert, which moves its whole output row.
// (ops_test.cpp checks the MoE arithmetic in 16 bits on inputs both sides share.)
#ifdef EB_HAVE_GPU
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "backends/gpu/box_decode.h"
#include "bench/conformance.h"
#include "core/fold_batch_norm.h"
#include "core/reference/reference_backend.h"
#include "models/mobiledet/mobiledet.h"
#include "models/workload.h"
#include "tests/gpu/gpu_test_support.h"

namespace eb {
namespace {

std::size_t output_index(const Graph& g, std::string_view name) {
  const auto it = std::find(g.outputs.begin(), g.outputs.end(), std::string(name));
  return static_cast<std::size_t>(it - g.outputs.begin());
}

struct Variant {
  Precision precision;
  bool cuda_graph;
};

void check_workload(const std::string& name, int batch, bool assert_16_bit) {
  const WorkloadRegistry registry = make_workload_registry();
  const Workload& w = registry.get(name);
  const Graph g = w.build({"", batch});
  const Weights weights = w.make_weights(g, 0);
  const std::vector<Tensor> inputs = w.make_inputs(g, 0);
  const FoldedModel m = fold_batch_norm(g, weights);
  const auto want = gpu_test::run_on(*make_reference_backend(), m.graph, m.weights, inputs, {});
  const auto gpu = make_gpu_backend();
  const bool detector = name.rfind("mobiledet", 0) == 0;

  for (const Variant v : {Variant{Precision::fp32, true}, Variant{Precision::fp32, false}, Variant{Precision::fp16, true},
                          Variant{Precision::bf16, true}}) {
    SCOPED_TRACE(std::string(precision_name(v.precision)) + (v.cuda_graph ? " graph" : " eager"));
    const auto got = gpu_test::run_on(*gpu, m.graph, m.weights, inputs, gpu_test::gpu_options(v.precision, v.cuda_graph));
    ASSERT_EQ(got.size(), want.size());
    const bool judged = v.precision == Precision::fp32 || assert_16_bit;
    const std::vector<double> bounds =
        judged ? gpu_test::tolerances(m.graph, m.weights, inputs, want, v.precision) : std::vector<double>(got.size(), 0.0);
    for (std::size_t i = 0; i < got.size(); ++i) {
      const double rel = gpu_test::relative_l2(got[i], want[i]);
      std::printf("%s batch %d %s%s %s: relative L2 %.3g (bound %.3g)\n", name.c_str(), batch, precision_name(v.precision).data(),
                  v.cuda_graph ? "" : " (no graph)", m.graph.outputs[i].c_str(), rel, bounds[i]);
      if (judged) {
        EXPECT_LT(rel, bounds[i]) << m.graph.outputs[i];
      }
    }
    if (detector) {
      const std::size_t bi = output_index(m.graph, mobiledet::kBoxEncodings);
      const std::size_t ci = output_index(m.graph, mobiledet::kClassLogits);
      const auto anchors = mobiledet::ssdlite_anchors(m.graph);
      const auto ref_dets = mobiledet::postprocess(want[bi], want[ci], anchors);
      const auto gpu_dets = mobiledet::postprocess(got[bi], got[ci], anchors);
      for (std::size_t img = 0; img < ref_dets.size(); ++img) {
        const double f = bench::matched_fraction(ref_dets[img], gpu_dets[img]);
        std::printf("  image %zu: %zu reference detections, %zu gpu, %.1f%% matched\n", img, ref_dets[img].size(),
                    gpu_dets[img].size(), 100 * f);
        if (v.precision == Precision::fp32) {
          EXPECT_GE(f, 0.95);
        }
      }
    }
  }
}

TEST(GpuModels, MobileDetCpuBatch1) {
  EB_REQUIRE_GPU();
  check_workload("mobiledet-cpu", 1, true);
}

TEST(GpuModels, MobileDetEdgeTpuBatch2) {
  EB_REQUIRE_GPU();
  check_workload("mobiledet-edgetpu", 2, true);
}

TEST(GpuModels, MobileDetGpuBatch1) {
  EB_REQUIRE_GPU();
  check_workload("mobiledet-gpu", 1, true);
}

TEST(GpuModels, M3vitBackboneBatch2) {
  EB_REQUIRE_GPU();
  check_workload("m3vit-backbone", 2, false);
}

TEST(GpuModels, M3vitWithHeadBatch1) {
  EB_REQUIRE_GPU();
  check_workload("m3vit", 1, false);
}

// The device box decoder against the host coder, on the box encodings of a real run.
TEST(GpuModels, BoxDecodingMatchesTheHostCoder) {
  EB_REQUIRE_GPU();
  const WorkloadRegistry registry = make_workload_registry();
  const Workload& w = registry.get("mobiledet-cpu");
  const Graph g = w.build({"", 2});
  const FoldedModel m = fold_batch_norm(g, w.make_weights(g, 0));
  const auto out = gpu_test::run_on(*make_gpu_backend(), m.graph, m.weights, w.make_inputs(g, 0),
                                    gpu_test::gpu_options(Precision::fp32));
  const Tensor& codes = out[output_index(m.graph, mobiledet::kBoxEncodings)];
  const auto anchors = mobiledet::ssdlite_anchors(m.graph);
  std::vector<float> flat;
  for (const auto& a : anchors) flat.insert(flat.end(), {a.ymin, a.xmin, a.ymax, a.xmax});
  const Tensor boxes = gpu::decode_boxes(codes, flat);
  const auto n = static_cast<std::size_t>(codes.dim(1));
  const auto c = codes.data<float>();
  const auto b = boxes.data<float>();
  for (std::size_t img = 0; img < 2; ++img) {
    const auto host = mobiledet::decode_boxes(c.subspan(img * n * 4, n * 4), anchors);
    for (std::size_t i = 0; i < n; ++i) {
      const float* d = b.data() + (img * n + i) * 4;
      ASSERT_NEAR(d[0], host[i].ymin, 1e-6f) << i;
      ASSERT_NEAR(d[1], host[i].xmin, 1e-6f) << i;
      ASSERT_NEAR(d[2], host[i].ymax, 1e-6f) << i;
      ASSERT_NEAR(d[3], host[i].xmax, 1e-6f) << i;
    }
  }
}

TEST(GpuModels, BoxDecodingRejectsMismatchedAnchors) {
  // Checked before any CUDA call: runs without a GPU.
  const Tensor codes(DType::f32, {1, 3, 4});
  const std::vector<float> two_anchors(8, 0.0f);
  EXPECT_THROW(gpu::decode_boxes(codes, two_anchors), std::invalid_argument);
  EXPECT_THROW(gpu::decode_boxes(Tensor(DType::f32, {3, 4}), two_anchors), std::invalid_argument);
}

}  // namespace
}  // namespace eb
#endif
