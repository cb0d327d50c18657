// The edgebench executable end to end: help and version, list, inspect, run, weights, and
// every user error as exactly one line on stderr with a non-zero exit and no file written.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "tests/cli/cli_runner.h"

namespace eb::test {
namespace {

// Passes when `text` contains `part`; on failure shows both.
inline ::testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << text << "' does not contain '" << part << "'";
}

std::vector<fs::path> files_under(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out.push_back(e.path());
  return out;
}

// A failure: non-zero exit, exactly one line on stderr that starts with the tool's prefix
// and names the problem, and nothing written under `out`.
void expect_one_line_error(const CliResult& r, const std::string& needle, const fs::path& out) {
  EXPECT_NE(r.status, 0);
  const auto lines = r.err_lines();
  ASSERT_EQ(lines.size(), 1u) << "stderr:\n" << r.err;
  EXPECT_EQ(lines[0].rfind("edgebench: error: ", 0), 0u) << lines[0];
  EXPECT_TRUE(Contains(lines[0], needle));
  EXPECT_TRUE(files_under(out).empty()) << "a file was written under " << out;
}

// A quick reference run; a flag in `extra` replaces the default of the same name.
std::vector<std::string> run_args(const TempDir& tmp, std::vector<std::string> extra) {
  std::vector<std::pair<std::string, std::string>> defaults = {
      {"--model", kModel}, {"--backend", "reference"}, {"--iterations", "2"}, {"--warmup", "0"}, {"--out", tmp / "out"}};
  std::vector<std::string> a = {"run"};
  for (const auto& [flag, value] : defaults)
    if (std::find(extra.begin(), extra.end(), flag) == extra.end()) a.insert(a.end(), {flag, value});
  a.push_back("--quiet");
  a.insert(a.end(), extra.begin(), extra.end());
  return a;
}

TEST(Cli, HelpAndVersion) {
  const auto help = run_cli({"--help"});
  EXPECT_EQ(help.status, 0);
  for (const char* sub : {"list", "inspect", "run", "weights"}) EXPECT_TRUE(Contains(help.out, sub));
  const auto run_help = run_cli({"run", "--help"});
  EXPECT_EQ(run_help.status, 0);
  EXPECT_TRUE(Contains(run_help.out, "--iterations"));
  const auto version = run_cli({"--version"});
  EXPECT_EQ(version.status, 0);
  EXPECT_TRUE(Contains(version.out, "edgebench 0."));
  EXPECT_TRUE(version.err.empty());
}

TEST(Cli, NoSubcommandIsAUsageError) {
  const auto r = run_cli({});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err_lines().size(), 1u);
}

TEST(Cli, ListShowsTheReferenceBackendAndModels) {
  const auto table = run_cli({"list"});
  EXPECT_EQ(table.status, 0) << table.err;
  EXPECT_TRUE(Contains(table.out, "reference"));
  EXPECT_TRUE(Contains(table.out, kModel));
  const auto r = run_cli({"list", "--format", "json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  bool reference_available = false;
  for (const auto& b : j["backends"])
    if (b["name"] == "reference") reference_available = b["available"].get<bool>();
  EXPECT_TRUE(reference_available);
  bool has_model = false;
  for (const auto& m : j["models"]) has_model = has_model || m["name"] == kModel;
  EXPECT_TRUE(has_model);
}

// The cpu backend lists the precisions this CPU runs and, on its device line, why not the others.
TEST(Cli, ListShowsTheCpuPrecisionsAndWhyNotTheOthers) {
  const auto r = run_cli({"list", "--format", "json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  for (const auto& b : j["backends"]) {
    if (b["name"] != "cpu" || !b["available"].get<bool>()) continue;
    const auto precisions = b["precisions"].get<std::vector<std::string>>();
    const std::string device = b["device"].get<std::string>();
    EXPECT_EQ(precisions.front(), "fp32");
    EXPECT_TRUE(Contains(device, "not fp16: ")) << device;
    for (const char* p : {"bf16", "int8"}) {
      const bool runs = std::find(precisions.begin(), precisions.end(), p) != precisions.end();
      EXPECT_TRUE(Contains(device, std::string(runs ? "; " : "; not ") + p + ": ")) << device;
    }
  }
}

TEST(Cli, InspectMatchesPublishedSize) {
  const auto r = run_cli({"inspect", "--model", kModel, "--format", "json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j["params"].is_number_integer());
  ASSERT_TRUE(j["macs"].is_number_integer());
  const double params = j["params"].get<double>(), macs = j["macs"].get<double>();
  EXPECT_NEAR(params, 17.98e6, 0.01 * 17.98e6);
  EXPECT_NEAR(macs, 0.785e9, 0.02 * 0.785e9);
  ASSERT_TRUE(j["layers"].is_array());
  ASSERT_FALSE(j["layers"].empty());
  std::int64_t layer_macs = 0;
  for (const auto& l : j["layers"]) {
    EXPECT_TRUE(l.contains("op") && l.contains("output_shape") && l.contains("params"));
    layer_macs += l["macs"].get<std::int64_t>();
  }
  EXPECT_EQ(layer_macs, j["macs"].get<std::int64_t>());
  const auto table = run_cli({"inspect", "--model", kModel});
  EXPECT_EQ(table.status, 0);
  EXPECT_TRUE(Contains(table.out, "total:"));
}

TEST(Cli, RunWritesARecord) {
  TempDir tmp;
  const auto r = run_cli({"run", "--model", kModel, "--backend", "reference", "--iterations", "2", "--warmup", "1", "--out",
                          tmp / "out"});
  ASSERT_EQ(r.status, 0) << r.err;
  // stderr carries only the progress line (runs longer than a second) and warnings (a
  // noisy host's CV above 5%): no error.
  for (const auto& line : r.err_lines())
    EXPECT_TRUE(line.rfind("[reference] ", 0) == 0 || line.rfind("edgebench: warning: ", 0) == 0) << line;
  EXPECT_TRUE(Contains(r.out, "(measured, steady_clock)"));
  const auto written = files_under(tmp.path() / "out");
  ASSERT_EQ(written.size(), 1u);
  const fs::path path = written.front();
  EXPECT_TRUE(Contains(r.out, path.string()));
  // <model>[-<task>]-<backend>-<precision>.json, the task being the default one when none is given.
  const std::string name = path.filename().string();
  EXPECT_EQ(name.rfind("m3vit-backbone-", 0), 0u) << name;
  EXPECT_TRUE(name.ends_with("-reference-fp32.json")) << name;

  const auto j = nlohmann::json::parse(read_file(path));
  EXPECT_EQ(j["schema_version"], 1);
  EXPECT_EQ(j["workload"]["model"], kModel);
  EXPECT_EQ(j["backend"]["name"], "reference");
  EXPECT_EQ(j["scenario"]["name"], "single-stream");
  EXPECT_EQ(j["scenario"]["warmup"], 1);
  EXPECT_EQ(j["timing"]["provenance"]["kind"], "measured");
  const auto samples = j["timing"]["samples_ns"].get<std::vector<double>>();
  ASSERT_EQ(samples.size(), 2u);
  const auto& stats = j["timing"]["stats"];
  EXPECT_EQ(stats["count"], 2);
  EXPECT_EQ(stats["min_ns"].get<double>(), *std::min_element(samples.begin(), samples.end()));
  EXPECT_EQ(stats["max_ns"].get<double>(), *std::max_element(samples.begin(), samples.end()));
  EXPECT_DOUBLE_EQ(stats["mean_ns"].get<double>(), (samples[0] + samples[1]) / 2);
  for (const auto& [key, p] : {std::pair{"p50_ns", 50.0}, {"p90_ns", 90.0}, {"p99_ns", 99.0}, {"p99_9_ns", 99.9}})
    EXPECT_EQ(stats[key].get<double>(), nearest_rank(samples, p)) << key;
  EXPECT_GT(j["timing"]["compile_ns"].get<double>(), 0);
  EXPECT_GT(j["timing"]["first_inference_ns"].get<double>(), 0);
  EXPECT_EQ(j["validity"]["verdict"], "VALID") << j["validity"].dump();
  EXPECT_EQ(j["workload"]["weights"]["source"], "seeded");
  EXPECT_EQ(j["workload"]["weights"]["hash"].get<std::string>().size(), 16u);
  EXPECT_FALSE(j["outputs"]["tensors"].empty());
  EXPECT_EQ(j["outputs"]["provenance"]["kind"], "measured");
  EXPECT_FALSE(j["host"]["cpu_model"].get<std::string>().empty());
  EXPECT_TRUE(Contains(j["command"].get<std::string>(), "edgebench run --model m3vit-backbone"));
}

TEST(Cli, WeightsFileRoundTripsThroughRun) {
  TempDir tmp;
  const auto w = run_cli({"weights", "--model", kModel, "--seed", "3", "--out", tmp / "w.safetensors"});
  ASSERT_EQ(w.status, 0) << w.err;
  ASSERT_TRUE(fs::exists(tmp.path() / "w.safetensors"));

  const auto from_file = run_cli(run_args(tmp, {"--seed", "3", "--weights", tmp / "w.safetensors"}));
  ASSERT_EQ(from_file.status, 0) << from_file.err;
  const auto written = files_under(tmp.path() / "out");
  ASSERT_EQ(written.size(), 1u);
  const fs::path record = written.front();
  const auto a = nlohmann::json::parse(read_file(record));
  EXPECT_EQ(a["workload"]["weights"]["source"], "file");
  EXPECT_EQ(a["workload"]["weights"]["path"], (tmp / "w.safetensors").string());

  const auto seeded = run_cli(run_args(tmp, {"--seed", "3"}));
  ASSERT_EQ(seeded.status, 0) << seeded.err;
  const auto b = nlohmann::json::parse(read_file(record));
  // Same weights, same inputs: same hash and bit-identical outputs.
  EXPECT_EQ(a["workload"]["weights"]["hash"], b["workload"]["weights"]["hash"]);
  EXPECT_EQ(a["outputs"]["tensors"], b["outputs"]["tensors"]);
}

TEST(Cli, UnknownModel) {
  TempDir tmp;
  const auto r = run_cli(run_args(tmp, {"--model", "no-such-model"}));
  expect_one_line_error(r, "unknown model 'no-such-model'", tmp.path());
  EXPECT_EQ(r.status, 2);
}

TEST(Cli, UnknownBackend) {
  TempDir tmp;
  const auto r = run_cli(run_args(tmp, {"--backend", "abacus"}));
  expect_one_line_error(r, "unknown backend 'abacus'", tmp.path());
  EXPECT_EQ(r.status, 2);
}

TEST(Cli, UnknownTask) {
  TempDir tmp;
  const auto r = run_cli(run_args(tmp, {"--task", "juggling"}));
  expect_one_line_error(r, "juggling", tmp.path());
  const auto i = run_cli({"inspect", "--model", kModel, "--task", "juggling"});
  expect_one_line_error(i, "juggling", tmp.path());
}

TEST(Cli, BadFlag) {
  TempDir tmp;
  const auto r = run_cli(run_args(tmp, {"--bogus-flag"}));
  expect_one_line_error(r, "--bogus-flag", tmp.path());
  EXPECT_EQ(r.status, 2);
  expect_one_line_error(run_cli(run_args(tmp, {"--iterations", "many"})), "--iterations", tmp.path());
  expect_one_line_error(run_cli(run_args(tmp, {"--precision", "fp7"})), "--precision", tmp.path());
}

TEST(Cli, ZeroIterations) {
  TempDir tmp;
  const auto r = run_cli(run_args(tmp, {"--iterations", "0"}));
  expect_one_line_error(r, "iterations must be at least 1", tmp.path());
  EXPECT_EQ(r.status, 2);
}

TEST(Cli, MissingWeightsFile) {
  TempDir tmp;
  const auto r = run_cli(run_args(tmp, {"--weights", tmp / "absent.safetensors"}));
  expect_one_line_error(r, "absent.safetensors", tmp.path());
}

TEST(Cli, CorruptWeightsFile) {
  TempDir tmp;
  {
    std::ofstream f(tmp / "bad.safetensors", std::ios::binary);
    f << "this is not a safetensors file at all";
  }
  const auto r = run_cli(run_args(tmp, {"--weights", tmp / "bad.safetensors"}));
  EXPECT_NE(r.status, 0);
  const auto lines = r.err_lines();
  ASSERT_EQ(lines.size(), 1u) << r.err;
  EXPECT_TRUE(Contains(lines[0], "bad.safetensors"));
  EXPECT_FALSE(fs::exists(tmp.path() / "out"));
}

TEST(Cli, TruncatedWeightsFileIsRejectedNamingATensor) {
  TempDir tmp;
  // A truncated copy of the real file: the last tensor runs past the end.
  ASSERT_EQ(run_cli({"weights", "--model", kModel, "--out", tmp / "w.safetensors"}).status, 0);
  fs::resize_file(tmp.path() / "w.safetensors", fs::file_size(tmp.path() / "w.safetensors") - 4);
  const auto r = run_cli(run_args(tmp, {"--weights", tmp / "w.safetensors"}));
  expect_one_line_error(r, "tensor '", tmp.path() / "out");
}

TEST(Cli, UnwritableOutputFolder) {
  TempDir tmp;
  { std::ofstream(tmp / "plain-file") << "x"; }
  const auto r = run_cli({"run", "--model", kModel, "--backend", "reference", "--iterations", "1", "--warmup", "0", "--out",
                          tmp / "plain-file/sub"});
  EXPECT_NE(r.status, 0);
  const auto lines = r.err_lines();
  ASSERT_EQ(lines.size(), 1u) << r.err;
  EXPECT_TRUE(Contains(lines[0], "plain-file/sub"));
  EXPECT_EQ(files_under(tmp.path()).size(), 1u);  // only the plain file
}

}  // namespace
}  // namespace eb::test
