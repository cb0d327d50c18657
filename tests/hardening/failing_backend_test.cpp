// A backend that throws in the middle of a comparison: the backends before and after it
// still run and leave complete records, the failed one leaves a record marked INVALID
// ("failed") with the error, each failure is one line on stderr, and the exit is non-zero.
// The failure here is real, not injected: the edgetpu backend with fallback disabled
// meets M³ViT's first layer norm, which the Edge TPU compiler would not place on the chip.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/hardening/child.h"

namespace eb::test {
namespace {

using nlohmann::json;

json record(const fs::path& p) { return json::parse(read_file(p)); }

void expect_complete(const json& j) {
  EXPECT_EQ(j["validity"]["verdict"], "VALID") << j["validity"].dump();
  EXPECT_TRUE(j["validity"]["error"].is_null());
  EXPECT_EQ(j["timing"]["samples_ns"].size(), 2u);
  EXPECT_TRUE(j["timing"]["stats"].is_object());
}

void expect_failed(const json& j) {
  EXPECT_EQ(j["validity"]["verdict"], "INVALID");
  EXPECT_EQ(j["validity"]["reasons"], json::array({"failed"}));
  EXPECT_NE(j["validity"]["error"].get<std::string>().find("blocks.0.norm1"), std::string::npos) << j["validity"].dump();
  EXPECT_TRUE(j["timing"]["samples_ns"].empty());
  EXPECT_EQ(j["backend"]["name"], "edgetpu");
}

class FailingBackend : public ::testing::TestWithParam<bool> {};  // interleaved or one after the other

TEST_P(FailingBackend, LeavesTheOtherRecordsCompleteAndMarksItsOwn) {
  TempDir tmp;
  std::vector<std::string> args{"run", "--model", "m3vit-backbone", "--backend", "reference,edgetpu,cpu", "--no-fallback",
                                "--iterations", "2", "--warmup", "0", "--cooldown", "0s", "--out", (tmp / "out").string()};
  if (GetParam()) args.push_back("--interleave");
  const auto r = run_cli(args);
  if (r.err.find("is not available here") != std::string::npos) GTEST_SKIP() << r.err;
  EXPECT_EQ(r.status, 1) << r.err;
  // Warnings (a noisy host's CV) may come too; errors are one line per failed backend.
  std::vector<std::string> errors;
  for (const auto& line : r.err_lines())
    if (line.rfind("edgebench: error: ", 0) == 0) errors.push_back(line);
  ASSERT_EQ(errors.size(), 1u) << r.err;
  EXPECT_EQ(errors[0].rfind("edgebench: error: backend 'edgetpu' failed: ", 0), 0u) << errors[0];

  const fs::path out = tmp / "out";
  expect_complete(record(out / "m3vit-backbone-seg-reference-fp32.json"));
  expect_complete(record(out / "m3vit-backbone-seg-cpu-fp32.json"));
  expect_failed(record(out / "m3vit-backbone-seg-edgetpu-int8.json"));

  // The reports read the failed record and say why it has no figures.
  const auto c = run_cli({"compare", out.string()});
  ASSERT_EQ(c.status, 0) << c.err;
  EXPECT_NE(c.out.find("edgetpu int8 (INVALID)"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("failed: backend 'edgetpu' does not support node 'blocks.0.norm1'"), std::string::npos) << c.out;
}

INSTANTIATE_TEST_SUITE_P(Modes, FailingBackend, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Interleaved" : "OneAfterTheOther"; });

}  // namespace
}  // namespace eb::test
