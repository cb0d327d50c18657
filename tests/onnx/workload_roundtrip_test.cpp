// The ONNX export of all six workloads: accepted by ONNX's checker (C++ at export, Python's
// full check here), and run in ONNX Runtime giving the reference backend's outputs within
// fp32 tolerance, on the workload's seeded input (M³ViT's routes its tokens to many
// experts in every MoE layer, which the test confirms, so routing is exercised).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "core/fold_batch_norm.h"
#include "core/reference/reference_backend.h"
#include "export/onnx/onnx_export.h"
#include "models/m3vit/expert_load.h"
#include "models/workload.h"
#include "tests/onnx/onnx_test_support.h"
#include "tests/support/temp_dir.h"

namespace eb::onnx_export {
namespace {

class WorkloadRoundTrip : public ::testing::TestWithParam<std::string> {};

TEST_P(WorkloadRoundTrip, OnnxRuntimeReproducesTheReference) {
  if (!onnx_export_available()) GTEST_SKIP() << onnx_export_unavailable_reason();
  if (!test::python_imports("onnxruntime") || !test::python_imports("onnx"))
    GTEST_SKIP() << "python3 cannot import onnx and onnxruntime (pip install onnx onnxruntime; tools/test.sh does)";
  const WorkloadRegistry reg = make_workload_registry();
  const Workload& wl = reg.get(GetParam());
  const Graph graph = wl.build({});
  const Weights weights = wl.make_weights(graph, 0);
  const auto inputs = wl.make_inputs(graph, 0);
  const FoldedModel folded = fold_batch_norm(graph, weights);

  if (GetParam().starts_with("m3vit")) {  // the input must spread tokens over several experts
    for (const auto& layer : m3vit::expert_load(graph, weights, inputs)) {
      const auto used = std::count_if(layer.counts.begin(), layer.counts.end(), [](auto c) { return c > 0; });
      EXPECT_GE(used, 4) << "block " << layer.block;
    }
  }

  const OnnxModel m = export_onnx(folded.graph, folded.weights, "test");
  test::TempDir dir;
  {
    std::ofstream f(dir / "model.onnx", std::ios::binary);
    f.write(reinterpret_cast<const char*>(m.bytes.data()), static_cast<std::streamsize>(m.bytes.size()));
  }
  std::string args = (dir / "model.onnx").string();
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    test::write_f32(dir / ("in" + std::to_string(i)), inputs[i]);
    args += " --input " + (dir / ("in" + std::to_string(i))).string();
  }
  const auto ref = make_reference_backend()->compile(folded.graph, folded.weights, {})->run(inputs);
  ASSERT_EQ(ref.size(), folded.graph.outputs.size());
  for (std::size_t i = 0; i < ref.size(); ++i) {
    test::write_f32(dir / ("out" + std::to_string(i)), ref[i]);
    args += " --expected " + (dir / ("out" + std::to_string(i))).string();
  }
  const auto r = test::onnx_check(args);
  ASSERT_TRUE(r.json.is_object()) << r.text;
  EXPECT_EQ(r.status, 0) << r.text;
  EXPECT_EQ(r.json["checker"], "ok");
  for (const auto& name : folded.graph.outputs) {
    ASSERT_TRUE(r.json["outputs"].contains(name)) << r.text;
    EXPECT_EQ(r.json["outputs"][name]["failing"], 0) << name << ": " << r.text;
  }
}

INSTANTIATE_TEST_SUITE_P(SixWorkloads, WorkloadRoundTrip,
                         ::testing::Values("m3vit-backbone", "m3vit", "mobiledet-cpu", "mobiledet-edgetpu", "mobiledet-dsp", "mobiledet-gpu"),
                         [](const auto& info) {
                           std::string s = info.param;
                           std::replace(s.begin(), s.end(), '-', '_');
                           return s;
                         });

}  // namespace
}  // namespace eb::onnx_export
