// `edgebench export --format onnx` end to end: the file is written and ONNX's Python
// checker accepts it; a bad request is one line on stderr, a non-zero exit and no file.
#include <gtest/gtest.h>

#include <filesystem>

#include "export/onnx/onnx_export.h"
#include "tests/cli/cli_runner.h"
#include "tests/onnx/onnx_test_support.h"

namespace eb::test {
namespace {

TEST(OnnxExportCommand, WritesAModelTheCheckerAccepts) {
  TempDir dir;
  const auto out = (dir / "m.onnx").string();
  const auto r = run_cli({"export", "--format", "onnx", "--model", "mobiledet-cpu", "--out", out});
  if (!onnx_export::onnx_export_available()) {
    EXPECT_NE(r.status, 0);
    EXPECT_EQ(r.err_lines().size(), 1u) << r.err;
    EXPECT_FALSE(fs::exists(out));
    return;
  }
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("opset 17"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("output 'class_logits' f32 [1, 2034, 91]"), std::string::npos) << r.out;
  ASSERT_TRUE(fs::exists(out));
  if (!python_imports("onnx")) GTEST_SKIP() << "python3 cannot import onnx (pip install onnx; tools/test.sh does)";
  const auto c = onnx_check(out);
  EXPECT_EQ(c.status, 0) << c.text;
}

TEST(OnnxExportCommand, BadRequestsFailInOneLineWritingNothing) {
  TempDir dir;
  const auto out = (dir / "m.onnx").string();
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"export", "--format", "onnx", "--model", "no-such-model", "--out", out},
        std::vector<std::string>{"export", "--format", "pb", "--model", "mobiledet-cpu", "--out", out},
        std::vector<std::string>{"export", "--format", "onnx", "--model", "mobiledet-cpu", "--weights", (dir / "missing.safetensors").string(), "--out", out}}) {
    const auto r = run_cli(args);
    EXPECT_NE(r.status, 0) << args[4];
    EXPECT_EQ(r.err_lines().size(), 1u) << r.err;
    EXPECT_FALSE(fs::exists(out));
  }
}

}  // namespace
}  // namespace eb::test
