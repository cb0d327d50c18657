// edgebench export: writes a .tflite (flatbuffer identifier "TFL3") deterministically,
// says what it wrote and how to compile it, and refuses a model with an op it cannot
// export in one line naming the node. (The file's contents are checked in tests/edgetpu.)
#include <gtest/gtest.h>

#include "core/safetensors.h"
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

// A weights file must be exactly the model's, as for `run` (bench/prepare_model.h): a
// tensor that is no weight of the model is refused in one line naming it, nothing written.
TEST(CliExport, RefusesAWeightsFileWithAStrayTensorNamingIt) {
  TempDir tmp;
  ASSERT_EQ(run_cli({"weights", "--model", "mobiledet-cpu", "--out", tmp / "w.safetensors"}).status, 0);
  Weights w = load_safetensors(tmp / "w.safetensors");
  w.set("stray.tensor", Tensor(DType::f32, {2}));
  save_safetensors(tmp / "stray.safetensors", w);
  for (const char* format : {"tflite", "onnx"}) {
    const auto out = tmp / (std::string("m.") + format);
    const auto r = run_cli({"export", "--format", format, "--model", "mobiledet-cpu", "--weights", tmp / "stray.safetensors",
                            "--calibration", "1", "--out", out});
    if (r.err.find("built without ONNX") != std::string::npos) continue;  // no ONNX export in this build
    EXPECT_EQ(r.status, 1) << format;
    ASSERT_EQ(r.err_lines().size(), 1u) << r.err;
    EXPECT_NE(r.err.find("'stray.tensor'"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out)) << format;
  }
}

}  // namespace
}  // namespace eb::test
