// The ONNX Runtime peer (backends/onnxruntime, tools/peer_run.py) end to end through the
// binary: a run writes a schema-shaped record whose backend names the runtime and its
// version, whose per-run device times are measured in the peer process, and whose outputs
// match the reference's; `compare` takes the peer's own time as its latency and sets it
// beside the cpu backend with the ratio columns; without onnxruntime the backend is
// listed unavailable saying how to get it, and `reproduce` says the same.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include <nlohmann/json.hpp>

#include "export/onnx/onnx_export.h"
#include "tests/cli/cli_runner.h"

namespace eb::test {
namespace {

bool peer_available() {
  return onnx_export::onnx_export_available() && std::system("python3 -c 'import onnxruntime' >/dev/null 2>&1") == 0;
}

TEST(OnnxRuntimePeer, RunWritesAMeasuredRecordAndCompareUsesThePeersTime) {
  if (!peer_available()) GTEST_SKIP() << "needs ONNX export and python3 with onnxruntime (pip install onnxruntime; tools/test.sh does)";
  TempDir dir;
  const auto r = run_cli({"run", "--model", "mobiledet-cpu", "--backend", "cpu,onnxruntime", "--interleave", "--iterations", "3", "--samples", "1",
                          "--warmup", "1", "--out", dir.path().string(), "--quiet"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto rec = nlohmann::json::parse(read_file(dir / "mobiledet-cpu-onnxruntime-fp32.json"));
  EXPECT_EQ(rec["backend"]["name"], "onnxruntime");
  EXPECT_NE(rec["backend"]["device"].get<std::string>().find("ONNX Runtime "), std::string::npos);
  EXPECT_EQ(rec["backend"]["executable_info"]["onnxruntime.graph_optimization"], "ORT_ENABLE_ALL");
  EXPECT_EQ(rec["backend"]["executable_info"]["onnxruntime.execution_provider"], "CPUExecutionProvider");
  EXPECT_NE(rec["backend"]["executable_info"]["onnxruntime.runtime"].get<std::string>().find("onnxruntime "), std::string::npos);
  const auto& dev = rec["timing"]["device"];
  ASSERT_TRUE(dev.is_object()) << rec["timing"].dump();
  EXPECT_EQ(dev["provenance"]["kind"], "measured");
  EXPECT_EQ(dev["provenance"]["source"].get<std::string>().rfind("peer process: onnxruntime", 0), 0u);
  EXPECT_EQ(dev["samples_ns"].size(), 3u);
  EXPECT_EQ(rec["validity"]["verdict"], "VALID");
  EXPECT_LT(rec["accuracy"]["fidelity"]["max_relative_l2"].get<double>(), 1e-4);

  const auto c = run_cli({"compare", dir.path().string()});
  ASSERT_EQ(c.status, 0) << c.err;
  EXPECT_NE(c.out.find("onnxruntime fp32"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("(peer runtime time (measured))"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("speed-up vs cpu fp32"), std::string::npos) << c.out;
}

TEST(OnnxRuntimePeer, UnknownOptionIsOneLineError) {
  if (!peer_available()) GTEST_SKIP() << "needs ONNX export and python3 with onnxruntime (pip install onnxruntime; tools/test.sh does)";
  TempDir dir;
  const auto r = run_cli({"run", "--model", "mobiledet-cpu", "--backend", "onnxruntime", "--backend-option", "onnxruntime.spinning=maybe",
                          "--iterations", "1", "--out", dir.path().string()});
  EXPECT_NE(r.status, 0);
  ASSERT_EQ(r.err_lines().size(), 1u) << r.err;
  EXPECT_NE(r.err.find("onnxruntime.spinning=on|off"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

// --precision int8: ONNX Runtime's own QDQ quantisation of the exported graph, calibrated on
// the edgetpu backend's representative inputs. Both are min/max post-training int8 with
// per-channel weights on the same samples, so their fidelity to the reference is close
// (on mobiledet-cpu with one sample: relative L2 0.93 both); the record says how the
// model was quantised.
TEST(OnnxRuntimePeer, Int8IsOnnxRuntimesQuantisationOnTheEdgeTpuCalibrationSamples) {
  if (!peer_available() || std::system("python3 -c 'import onnx, onnxruntime.quantization' >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "needs ONNX export and python3 with onnx and onnxruntime (pip install onnx onnxruntime; tools/test.sh does)";
  TempDir dir;
  const auto r = run_cli({"run", "--model", "mobiledet-cpu", "--backend", "edgetpu,onnxruntime", "--precision", "int8", "--backend-option",
                          "onnxruntime.calibration=1", "--backend-option", "edgetpu.calibration=1", "--iterations", "1", "--samples", "1",
                          "--warmup", "0", "--out", dir.path().string(), "--quiet"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto ort = nlohmann::json::parse(read_file(dir / "mobiledet-cpu-onnxruntime-int8.json"));
  const auto tpu = nlohmann::json::parse(read_file(dir / "mobiledet-cpu-edgetpu-int8.json"));
  const auto& info = ort["backend"]["executable_info"];
  EXPECT_EQ(info["precision"], "int8");
  EXPECT_NE(info["onnxruntime.quantization"].get<std::string>().find("quantize_static: QDQ"), std::string::npos) << info.dump();
  EXPECT_NE(info["onnxruntime.quantization.calibration"].get<std::string>().find("1 samples"), std::string::npos) << info.dump();
  EXPECT_NE(info["onnxruntime.quantization.ops"].get<std::string>().find("QuantizeLinear"), std::string::npos) << info.dump();
  EXPECT_EQ(ort["timing"]["device"]["provenance"]["kind"], "measured");
  const double ort_l2 = ort["accuracy"]["fidelity"]["max_relative_l2"].get<double>();
  const double tpu_l2 = tpu["accuracy"]["fidelity"]["max_relative_l2"].get<double>();
  EXPECT_GT(ort_l2, 1e-3) << "not quantised";
  EXPECT_NEAR(ort_l2, tpu_l2, 0.2 * tpu_l2) << "ONNX Runtime " << ort_l2 << ", edgetpu " << tpu_l2;
}

TEST(OnnxRuntimePeer, BadCalibrationIsOneLineError) {
  if (!peer_available()) GTEST_SKIP() << "needs ONNX export and python3 with onnxruntime (pip install onnxruntime; tools/test.sh does)";
  TempDir dir;
  const auto r = run_cli({"run", "--model", "mobiledet-cpu", "--backend", "onnxruntime", "--precision", "int8", "--backend-option",
                          "onnxruntime.calibration=0", "--iterations", "1", "--out", dir.path().string()});
  EXPECT_NE(r.status, 0);
  ASSERT_EQ(r.err_lines().size(), 1u) << r.err;
  EXPECT_NE(r.err.find("onnxruntime.calibration"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

// A peer script that cannot import onnxruntime stands in for a machine without it.
class WithoutOnnxRuntime : public ::testing::Test {
 protected:
  void SetUp() override {
    fake_ = dir_ / "peer_run.py";
    std::ofstream(fake_) << "import sys\nprint('onnxruntime cannot be imported by python3 (No module named onnxruntime); pip install onnxruntime', file=sys.stderr)\nsys.exit(2)\n";
    ::setenv("EB_PEER_RUN", fake_.c_str(), 1);
  }
  void TearDown() override { ::unsetenv("EB_PEER_RUN"); }
  TempDir dir_;
  fs::path fake_;
};

TEST_F(WithoutOnnxRuntime, ListAndReproduceSayHowToGetIt) {
  if (!onnx_export::onnx_export_available()) GTEST_SKIP() << onnx_export::onnx_export_unavailable_reason() << " (the probe says that first)";
  const auto l = run_cli({"list"});
  ASSERT_EQ(l.status, 0) << l.err;
  const auto at = l.out.find("onnxruntime  no");
  ASSERT_NE(at, std::string::npos) << l.out;
  EXPECT_NE(l.out.find("pip install onnxruntime", at), std::string::npos) << l.out;

  const auto r = run_cli({"reproduce", "mobiledet", "--quick", "--backends", "onnxruntime", "--power", "none", "--out", (dir_ / "out").string()});
  EXPECT_NE(r.status, 0);
  EXPECT_EQ(r.err_lines().size(), 1u) << r.err;
  EXPECT_NE(r.err.find("pip install onnxruntime"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace eb::test
