// edgebench export: writes a .tflite (flatbuffer identifier "TFL3") deterministically,
// says what it wrote and how to compile it, and refuses a model with an op it cannot
// export in one line naming the node. (The file's contents are checked in tests/edgetpu.)
#include <gtest/gtest.h>

#include "tests/cli/cli_runner.h"

namespace eb::test {
namespace {

TEST(CliExport, WritesATfliteFileDeterministically) {
  TempDir tmp;
  const auto a = run_cli({"export", "--model", "mobiledet-cpu", "--calibration", "1", "--seed", "2", "--out", tmp / "a.tflite"});
  if (a.err.find("export was not built") != std::string::npos) GTEST_SKIP() << a.err;  // no flatbuffers in this build
  ASSERT_EQ(a.status, 0) << a.err;
  const std::string bytes = read_file(tmp / "a.tflite");
  ASSERT_GT(bytes.size(), 1000000u);  // ~4 M int8 weights
  EXPECT_EQ(bytes.substr(4, 4), "TFL3");
  EXPECT_NE(a.out.find("CONV_2D"), std::string::npos) << a.out;
  EXPECT_NE(a.out.find("edgetpu_compiler"), std::string::npos) << a.out;
  EXPECT_NE(a.out.find(std::to_string(bytes.size()) + " bytes"), std::string::npos) << a.out;

  const auto b = run_cli({"export", "--model", "mobiledet-cpu", "--calibration", "1", "--seed", "2", "--out", tmp / "b.tflite"});
  ASSERT_EQ(b.status, 0) << b.err;
  EXPECT_EQ(read_file(tmp / "b.tflite"), bytes);
}

TEST(CliExport, RefusesAnOpItCannotExportNamingIt) {
  TempDir tmp;
  const auto r = run_cli({"export", "--model", "m3vit", "--out", tmp / "m.tflite"});
  if (r.err.find("export was not built") != std::string::npos) GTEST_SKIP() << r.err;  // no flatbuffers in this build
  EXPECT_NE(r.status, 0);
  ASSERT_EQ(r.err_lines().size(), 1u) << r.err;
  EXPECT_NE(r.err.find("layernorm"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(tmp.path() / "m.tflite"));
}

}  // namespace
}  // namespace eb::test
