// The bad-input table: each case is something a user can get wrong, and each must end in
// exactly one line on stderr ("edgebench: error: …" naming the problem), a non-zero exit,
// no crash and no result file — complete or partial — left behind.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "tests/hardening/child.h"

namespace eb::test {
namespace {

constexpr const char* kModel = "m3vit-backbone";

std::vector<fs::path> files_under(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out.push_back(e.path());
  return out;
}

struct BadInput {
  const char* name;
  std::vector<std::string> args;  // after "run"; "{tmp}" is replaced by a fresh folder
  const char* needle;             // the error line names the problem with this text
  int status = 0;                 // expected exit status; 0: any non-zero
};

// What gtest prints for GetParam() (without it, the struct's bytes).
void PrintTo(const BadInput& b, std::ostream* os) { *os << b.name; }

class BadRun : public ::testing::TestWithParam<BadInput> {};

TEST_P(BadRun, IsOneLineNonZeroAndWritesNothing) {
  TempDir tmp;
  std::vector<std::string> args = {"run"};
  for (const auto& a : GetParam().args) args.push_back(with_tmp(a, tmp.path()));
  const bool has_out = std::find(args.begin(), args.end(), "--out") != args.end();
  if (!has_out) args.insert(args.end(), {"--out", (tmp.path() / "out").string()});
  { std::ofstream(tmp / "not-a-folder") << "x"; }
  const auto r = run_cli(args);
  if (GetParam().status) {
    EXPECT_EQ(r.status, GetParam().status) << r.err;
  }
  EXPECT_NE(r.status, 0);
  EXPECT_LT(r.status, 128) << "killed by a signal: " << r.err;
  const auto lines = r.err_lines();
  ASSERT_EQ(lines.size(), 1u) << r.err;
  EXPECT_EQ(lines[0].rfind("edgebench: error: ", 0), 0u) << lines[0];
  EXPECT_NE(lines[0].find(with_tmp(GetParam().needle, tmp.path())), std::string::npos) << lines[0];
  for (const auto& f : files_under(tmp.path())) EXPECT_EQ(f.filename(), "not-a-folder") << "left behind: " << f;
}

const BadInput kCases[] = {
    {"UnknownModel", {"--model", "resnet-9000"}, "unknown model 'resnet-9000'", 2},
    {"UnknownBackend", {"--model", kModel, "--backend", "tpu-v9"}, "unknown backend 'tpu-v9'", 2},
    {"UnknownTask", {"--model", "m3vit", "--task", "optical-flow"}, "optical-flow", 2},
    {"ZeroIterations", {"--model", kModel, "--iterations", "0"}, "iterations", 2},
    {"NegativeWarmup", {"--model", kModel, "--warmup", "-1"}, "warmup", 2},
    {"ZeroBatch", {"--model", kModel, "--batch", "0"}, "batch", 2},
    {"NotANumber", {"--model", kModel, "--batch", "two"}, "--batch", 2},
    {"OutIsAFile", {"--model", kModel, "--iterations", "1", "--warmup", "0", "--out", "{tmp}/not-a-folder"}, "not-a-folder"},
    {"OutCannotBeCreated", {"--model", kModel, "--iterations", "1", "--warmup", "0", "--out", "/proc/edgebench-results"},
     "/proc/edgebench-results"},
    {"MissingWeights", {"--model", kModel, "--weights", "{tmp}/absent.safetensors"}, "absent.safetensors"},
    {"WeightsIsAFolder", {"--model", kModel, "--weights", "{tmp}"}, "{tmp}"},
    {"UnknownPrecision", {"--model", kModel, "--precision", "fp4"}, "--precision", 2},
    {"BackendOptionWithoutValue", {"--model", kModel, "--backend-option", "fpga.clock_mhz"}, "is not KEY=VALUE", 2},
    {"BackendOptionForNoBackend", {"--model", kModel, "--backend-option", "fgpa.clock_mhz=250"}, "'fgpa' is not one", 2},
    {"ZeroSamples", {"--model", kModel, "--samples", "0"}, "--samples: 0 is out of range: give 1 to 2147483647", 2},
    {"NegativeThreads", {"--model", kModel, "--threads", "-1"}, "--threads: -1 is out of range: give 0 to 2147483647", 2},
    {"ZeroLimit", {"--model", kModel, "--limit", "0"}, "--limit: 0 is out of range: give 1 to", 2},
    {"ZeroProfileRuns", {"--model", kModel, "--profile-runs", "0"}, "--profile-runs: 0 is out of range: give 1 to", 2},
    {"NegativeSeed", {"--model", kModel, "--seed", "-1"}, "--seed: -1 is negative: give 0 to 18446744073709551615", 2},
    {"EmptyBackend", {"--model", kModel, "--backend", ""}, "--backend is empty", 2},
    {"HugeBatch", {"--model", kModel, "--batch", "100000"}, "batch 100000 is above the limit of 4096", 2},
    {"BatchTimesSamplesBeyondMemory", {"--model", kModel, "--batch", "4096", "--samples", "100000"}, "lower --batch or --samples", 2},
    {"BackendOptionNotANumber", {"--model", kModel, "--backend", "fpga", "--backend-option", "fpga.clock_mhz=abc"},
     "--backend-option: fpga.clock_mhz=abc is not valid: fpga.clock_mhz is a number > 0", 2},
    {"BackendOptionUnknownKey", {"--model", kModel, "--backend", "fpga", "--backend-option", "fpga.nonsense=1"},
     "'fpga.nonsense' is not an option of fpga (known: fpga.clock_mhz,", 2},
    {"BackendOptionOutOfRange", {"--model", kModel, "--backend", "fpga", "--backend-option", "fpga.axi_efficiency=1.5"},
     "fpga.axi_efficiency=1.5 is not valid: fpga.axi_efficiency is a number in (0, 1]", 2},
    {"BackendOptionNotAChoice", {"--model", kModel, "--backend", "fpga", "--backend-option", "fpga.convs=all"},
     "fpga.convs=all is not valid: fpga.convs=auto|patch|im2col", 2},
    // Options of a backend that is not run are checked too: a typo is never silently stored.
    {"OtherBackendsOptionUnknownKey", {"--model", kModel, "--backend", "reference", "--backend-option", "edgetpu.clok=max"},
     "'edgetpu.clok' is not an option of edgetpu", 2},
    {"DatasetMissing", {"--model", "mobiledet-cpu", "--dataset", "{tmp}/no-such-set"}, "no-such-set"},
    {"XclbinThatIsNotOne",
     {"--model", kModel, "--backend", "fpga", "--backend-option", "fpga.xclbin={tmp}/not-a-folder", "--iterations", "1",
      "--warmup", "0"},
     "is not an xclbin"},
    {"XclbinMissing",
     {"--model", kModel, "--backend", "fpga", "--backend-option", "fpga.xclbin={tmp}/absent.xclbin", "--iterations", "1",
      "--warmup", "0"},
     "cannot read '{tmp}/absent.xclbin'"},
};

INSTANTIATE_TEST_SUITE_P(Table, BadRun, ::testing::ValuesIn(kCases), [](const auto& info) { return info.param.name; });

// Weights of another model (right format, wrong tensors): the error names a tensor.
TEST(BadWeights, OfAnotherModelNameTheTensor) {
  TempDir tmp;
  const auto w = run_cli({"weights", "--model", "mobiledet-cpu", "--out", tmp / "mdet.safetensors"});
  ASSERT_EQ(w.status, 0) << w.err;
  const auto r = run_cli({"run", "--model", kModel, "--weights", tmp / "mdet.safetensors", "--out", tmp / "out"});
  EXPECT_EQ(r.status, 1);
  const auto lines = r.err_lines();
  ASSERT_EQ(lines.size(), 1u) << r.err;
  EXPECT_NE(lines[0].find("mdet.safetensors"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("'"), std::string::npos) << "names no tensor: " << lines[0];
  EXPECT_FALSE(fs::exists(tmp.path() / "out"));
}

// The good case of the option above: the setting reaches the backend and its record.
TEST(BackendOption, ReachesTheBackendAndTheRecord) {
  TempDir tmp;
  const auto r = run_cli({"run", "--model", kModel, "--backend", "fpga", "--precision", "fixed", "--iterations", "1", "--warmup",
                          "0", "--no-fidelity", "--backend-option", "fpga.clock_mhz=250", "--out", tmp / "out", "--quiet"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto written = files_under(tmp.path() / "out");
  ASSERT_EQ(written.size(), 1u);
  const auto j = nlohmann::json::parse(read_file(written.front()));
  EXPECT_EQ(j["backend"]["executable_info"]["fpga.clock_mhz"], "250") << j["backend"].dump();
  // The record keeps what was asked for and every setting the backend ran with.
  EXPECT_EQ(j["backend"]["options"], (nlohmann::json{{"fpga.clock_mhz", "250"}}));
  const auto& resolved = j["backend"]["resolved_options"];
  EXPECT_EQ(resolved["fpga.clock_mhz"], "250") << resolved.dump();
  EXPECT_EQ(resolved["fpga.axi_bits"], "256") << resolved.dump();
  EXPECT_EQ(resolved["fpga.convs"], "auto") << resolved.dump();
  EXPECT_FALSE(resolved.contains("fpga.xclbin")) << "an option without a default is recorded only when given";
}

// The gpu backend's options carry its prefix like every other backend's, so `run` can set
// them (they were read unprefixed before, which the CLI could not pass).
TEST(BackendOption, GpuOptionsAreDeclaredWithTheirPrefix) {
  const auto list = run_cli({"list", "--format", "json"});
  ASSERT_EQ(list.status, 0) << list.err;
  const auto j = nlohmann::json::parse(list.out);
  nlohmann::json gpu;
  for (const auto& b : j["backends"])
    if (b["name"] == "gpu") gpu = b;
  if (gpu.is_null() || gpu["options"].empty()) GTEST_SKIP() << "the gpu backend is not in this build";
  std::vector<std::string> keys;
  for (const auto& o : gpu["options"]) keys.push_back(o["key"]);
  EXPECT_EQ(keys, (std::vector<std::string>{"gpu.device", "gpu.tf32", "gpu.cuda_graph", "gpu.conv_algo"}));
  TempDir tmp;
  const auto bad = run_cli({"run", "--model", kModel, "--backend", "reference", "--backend-option", "gpu.tf32=2", "--out", tmp / "out"});
  EXPECT_EQ(bad.status, 2) << bad.err;
  EXPECT_NE(bad.err.find("gpu.tf32=2 is not valid: gpu.tf32=0|1"), std::string::npos) << bad.err;
}

TEST(BackendOption, ListOptionsShowsEveryDeclaration) {
  const auto r = run_cli({"list", "--options"});
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char* text : {"OPTION", "fpga.clock_mhz", "number > 0", "edgetpu.clock", "max|std"})
    EXPECT_NE(r.out.find(text), std::string::npos) << text << " missing from\n" << r.out;
}

// The record says why nodes fell back, as the backend gave it: the Edge TPU compiler's cut at
// the first layer norm of the M3ViT backbone, and the nodes after it. (Most of the work then
// runs on the host, so the record is INVALID and the exit status 3; it is written all the same.)
TEST(Capability, TheRecordShowsWhyNodesFellBack) {
  TempDir tmp;
  const auto r = run_cli({"run", "--model", kModel, "--backend", "edgetpu", "--iterations", "1", "--warmup", "0", "--no-fidelity",
                          "--out", tmp / "out", "--quiet"});
  ASSERT_EQ(r.status, 3) << r.err;
  const auto written = files_under(tmp.path() / "out");
  ASSERT_EQ(written.size(), 1u);
  const auto j = nlohmann::json::parse(read_file(written.front()));
  const auto& p = j["backend"]["partition"];
  const auto reasons = p["fallback_reasons"].get<std::vector<std::string>>();
  ASSERT_FALSE(reasons.empty()) << p.dump();
  EXPECT_EQ(reasons.front(), "layernorm: no Edge TPU kernel for the normalisation") << p.dump();
  EXPECT_NE(p["summary"].get<std::string>().find("fallback: layernorm (no Edge TPU kernel for the normalisation)"), std::string::npos)
      << p["summary"];
}

// A full disk, as the program sees it: every write past 512 bytes fails with EFBIG. The
// record cannot be written, so the run fails in one line and leaves no partial file.
TEST(FullDisk, RecordWriteFailsCleanly) {
  TempDir tmp;
  const auto r = run_cli_limited({"run", "--model", kModel, "--backend", "reference", "--iterations", "2", "--warmup", "0",
                                  "--out", tmp / "out"},
                                 ChildLimits{512, {}});
  EXPECT_EQ(r.status, 1) << r.err;
  const auto lines = r.err_lines();
  ASSERT_GE(lines.size(), 1u);
  EXPECT_EQ(lines.back().rfind("edgebench: error: ", 0), 0u) << r.err;
  EXPECT_NE(lines.back().find("File too large"), std::string::npos) << lines.back();
  EXPECT_TRUE(files_under(tmp.path() / "out").empty()) << "a partial record was left";
}

// Two runs writing the same record at once: each rename is atomic, so the survivor is one
// complete record and no temporary file is left.
TEST(SameOutputFolder, TwoConcurrentRunsLeaveOneCompleteRecord) {
  TempDir tmp;
  const std::vector<std::string> args = {"run", "--model", kModel, "--backend", "reference", "--iterations", "3",
                                         "--warmup", "0", "--out", tmp / "out", "--quiet"};
  const pid_t a = start_cli(args, tmp.path() / "a");
  const pid_t b = start_cli(args, tmp.path() / "b");
  const auto ra = wait_cli(a, tmp.path() / "a");
  const auto rb = wait_cli(b, tmp.path() / "b");
  ASSERT_EQ(ra.status, 0) << ra.err;
  ASSERT_EQ(rb.status, 0) << rb.err;
  const auto written = files_under(tmp.path() / "out");
  ASSERT_EQ(written.size(), 1u);
  const auto j = nlohmann::json::parse(read_file(written.front()));
  EXPECT_EQ(j["timing"]["samples_ns"].size(), 3u);
}

}  // namespace
}  // namespace eb::test
