// The bad-input table for the subcommands other than `run` (tests/hardening/bad_input_test.cpp
// has run's): one "edgebench: error: …" line naming the problem, the documented exit status
// (2 usage, 1 everything else; README), and nothing written under the test's folder.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>

#include "tests/hardening/child.h"

namespace eb::test {
namespace {

struct BadCommand {
  const char* name;
  std::vector<std::string> args;  // "{tmp}" is replaced by a fresh folder
  const char* needle;
  int status;
};

// What gtest prints for GetParam() (without it, the struct's bytes).
void PrintTo(const BadCommand& c, std::ostream* os) { *os << c.name; }

class BadCommandTable : public ::testing::TestWithParam<BadCommand> {};

TEST_P(BadCommandTable, IsOneLineWithTheDocumentedStatus) {
  TempDir tmp;
  std::vector<std::string> args;
  for (const auto& a : GetParam().args) args.push_back(with_tmp(a, tmp.path()));
  const auto r = run_cli(args);
  EXPECT_EQ(r.status, GetParam().status) << r.err;
  const auto lines = r.err_lines();
  ASSERT_EQ(lines.size(), 1u) << r.err;
  EXPECT_EQ(lines[0].rfind("edgebench: error: ", 0), 0u) << lines[0];
  EXPECT_NE(lines[0].find(with_tmp(GetParam().needle, tmp.path())), std::string::npos) << lines[0];
  EXPECT_LT(lines[0].size(), 400u) << lines[0];
  std::error_code ec;
  EXPECT_TRUE(fs::is_empty(tmp.path(), ec)) << "something was written";
}

const BadCommand kCommands[] = {
    {"UnknownSubcommand", {"frob"}, "unknown subcommand 'frob' (one of: list,", 2},
    {"InspectHugeBatch", {"inspect", "--model", "m3vit-backbone", "--batch", "2147483647"}, "above the limit of 4096", 2},
    {"MakeDatasetNothingToScore", {"make-dataset", "dense", "--out", "{tmp}/d", "--no-labels", "--depth", "none"},
     "leaves nothing to evaluate against", 2},
    {"MakeDatasetZeroDepthScale", {"make-dataset", "dense", "--out", "{tmp}/d", "--depth-scale", "0"},
     "--depth-scale: 0 is out of range: give a number greater than 0", 2},
    {"MakeDatasetNegativeSeed", {"make-dataset", "coco", "--out", "{tmp}/d", "--seed", "-1"}, "--seed: -1 is negative", 2},
    {"EvalMissingGroundTruth", {"eval", "coco", "--gt", "{tmp}/missing.json", "--detections", "{tmp}/d.json"},
     "{tmp}/missing.json: cannot open", 1},
    {"ReproduceUnknownPowerSource", {"reproduce", "edge-moe", "--quick", "--power", "bogus", "--out", "{tmp}/r"},
     "--power: unknown source 'bogus'", 2},
    {"CompareNegativeSeed", {"compare", "{tmp}", "--seed", "-1"}, "--seed: -1 is negative", 2},
    {"WeightsNegativeSeed", {"weights", "--model", "m3vit-backbone", "--seed", "-1", "--out", "{tmp}/w.safetensors"},
     "--seed: -1 is negative", 2},
};

INSTANTIATE_TEST_SUITE_P(Table, BadCommandTable, ::testing::ValuesIn(kCommands), [](const auto& info) { return info.param.name; });

// An image_id of 1e30 is whole but written as a real number beyond int64: the message says
// so (it said "a number with a fraction").
TEST(EvalCoco, HugeImageIdIsNamedAsSuch) {
  TempDir tmp;
  const auto d = run_cli({"make-dataset", "coco", "--out", (tmp / "D").string(), "--images", "1"});
  ASSERT_EQ(d.status, 0) << d.err;
  { std::ofstream(tmp / "dt.json") << R"([{"image_id": 1e30, "category_id": 1, "bbox": [0, 0, 4, 4], "score": 0.5}])"; }
  const auto r = run_cli({"eval", "coco", "--gt", (tmp / "D" / "annotations.json").string(), "--detections", (tmp / "dt.json").string()});
  EXPECT_EQ(r.status, 1) << r.err;
  const auto lines = r.err_lines();
  ASSERT_EQ(lines.size(), 1u) << r.err;
  EXPECT_NE(lines[0].find("a number beyond the integer range"), std::string::npos) << lines[0];
}

// make-dataset that fails half-way (a full disk: every write past 2 KB fails) leaves no
// folder behind, so that a retry needs no --force.
TEST(MakeDataset, FailureHalfWayLeavesNothing) {
  TempDir tmp;
  const auto r = run_cli_limited({"make-dataset", "coco", "--out", (tmp / "D").string(), "--images", "4"}, ChildLimits{2048, {}});
  EXPECT_EQ(r.status, 1) << r.err;
  std::error_code ec;
  EXPECT_TRUE(fs::is_empty(tmp.path(), ec)) << "a half-written data set was left";
  const auto again = run_cli({"make-dataset", "coco", "--out", (tmp / "D").string(), "--images", "1"});
  EXPECT_EQ(again.status, 0) << again.err;
}

// A temporary record file that a killed run left (SIGXFSZ, SIGKILL) is cleaned on the next
// run into the folder; a fresh one (a run writing right now) is left alone.
TEST(StaleTemporaries, AreRemovedOnTheNextRun) {
  TempDir tmp;
  const fs::path out = tmp / "out";
  fs::create_directories(out);
  const fs::path stale = out / ".m3vit-backbone-seg-reference-fp32.json.tmp-a1B2c3";
  const fs::path fresh = out / ".m3vit-backbone-seg-cpu-fp32.json.tmp-Z9y8X7";
  { std::ofstream(stale) << "{\"half"; }
  { std::ofstream(fresh) << "{\"half"; }
  fs::last_write_time(stale, fs::file_time_type::clock::now() - std::chrono::hours(1));
  const auto r = run_cli({"run", "--model", kModel, "--backend", "reference", "--iterations", "1", "--warmup", "0",
                          "--no-fidelity", "--out", out.string(), "--quiet"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(fresh));
}

}  // namespace
}  // namespace eb::test
