// `edgebench run` as a measurement harness, end to end: the stop rule and the record's
// schema with statistics recomputed from its samples; Ctrl-C (a child process signalled
// mid-run leaves a valid record marked interrupted and exits 130); power from an external
// meter's log; --profile and --json.
#include <gtest/gtest.h>

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/cli/cli_runner.h"

namespace eb::test {
namespace {

using nlohmann::json;

std::vector<fs::path> records_in(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".json") out.push_back(e.path());
  return out;
}

// Required keys with their JSON types: the schema of docs/result-schema.md, checked.
void expect_schema(const json& j) {
  const auto has = [&](const json& obj, const char* key, json::value_t type) {
    ASSERT_TRUE(obj.contains(key)) << "missing '" << key << "'";
    if (type == json::value_t::number_integer)
      EXPECT_TRUE(obj[key].is_number_integer()) << key << ": " << obj[key].dump();
    else if (type == json::value_t::number_float)
      EXPECT_TRUE(obj[key].is_number()) << key << ": " << obj[key].dump();
    else
      EXPECT_EQ(obj[key].type(), type) << key << ": " << obj[key].dump();
  };
  using T = json::value_t;
  has(j, "schema_version", T::number_integer);
  for (const char* k : {"tool", "host", "workload", "backend", "scenario", "timing", "outputs", "validity"}) has(j, k, T::object);
  has(j, "created", T::string);
  has(j, "command", T::string);
  const json& s = j["scenario"];
  has(s, "name", T::string);
  has(s, "warmup", T::number_integer);
  has(s, "iterations", T::number_integer);
  has(s, "stop_rule", T::object);
  has(s, "stopped_by", T::string);
  has(s, "interrupted", T::boolean);
  has(s, "samples", T::object);
  has(s, "sample_order", T::object);
  has(s["stop_rule"], "min_duration_s", T::number_float);
  has(s["stop_rule"], "min_queries", T::number_integer);
  const json& t = j["timing"];
  has(t, "provenance", T::object);
  has(t, "compile_ns", T::number_integer);
  has(t, "first_inference_ns", T::number_integer);
  has(t, "samples_ns", T::array);
  has(t, "sample_indices", T::array);
  has(t, "phase_ns", T::number_integer);
  has(t, "throughput_per_s", T::number_float);
  has(t, "samples_per_s", T::number_float);
  for (const auto& v : t["samples_ns"]) EXPECT_TRUE(v.is_number_integer());
  EXPECT_EQ(t["samples_ns"].size(), t["sample_indices"].size());
  if (!t["stats"].is_null()) {
    has(t, "stats", T::object);
    for (const char* k : {"min_ns", "max_ns", "mean_ns", "stddev_ns", "cv", "p50_ns", "p90_ns", "p95_ns", "p99_ns", "p99_9_ns"})
      has(t["stats"], k, T::number_float);
    has(t["stats"], "count", T::number_integer);
    has(t["stats"], "early_stopping", T::object);
    EXPECT_TRUE(t["stats"].contains("p90_upper_bound_99_ns"));
  }
  has(j["validity"], "verdict", T::string);
  has(j["validity"], "reasons", T::array);
  has(j["validity"], "notes", T::array);
  has(j["validity"], "warnings", T::array);
  for (const char* k : {"power", "profile", "accuracy"}) EXPECT_TRUE(j.contains(k)) << k;
}

// Every statistic recomputed from the stored samples, independently of bench/latency_stats.
void expect_stats_recomputable(const json& timing) {
  const auto v = timing["samples_ns"].get<std::vector<double>>();
  ASSERT_FALSE(v.empty());
  const json& s = timing["stats"];
  const double n = static_cast<double>(v.size());
  double sum = 0;
  for (double x : v) sum += x;
  const double mean = sum / n;
  double sq = 0;
  for (double x : v) sq += (x - mean) * (x - mean);
  const double sd = v.size() > 1 ? std::sqrt(sq / (n - 1)) : 0;
  EXPECT_EQ(s["count"].get<std::size_t>(), v.size());
  EXPECT_EQ(s["min_ns"].get<double>(), *std::min_element(v.begin(), v.end()));
  EXPECT_EQ(s["max_ns"].get<double>(), *std::max_element(v.begin(), v.end()));
  EXPECT_NEAR(s["mean_ns"].get<double>(), mean, 1e-9 * mean);
  EXPECT_NEAR(s["stddev_ns"].get<double>(), sd, 1e-9 * mean + 1e-6);
  EXPECT_NEAR(s["cv"].get<double>(), sd / mean, 1e-9);
  for (const auto& [key, p] : {std::pair{"p50_ns", 50.0}, {"p90_ns", 90.0}, {"p95_ns", 95.0}, {"p99_ns", 99.0}, {"p99_9_ns", 99.9}})
    EXPECT_EQ(s[key].get<double>(), nearest_rank(v, p)) << key;
  if (!s["p90_upper_bound_99_ns"].is_null()) {
    std::vector<double> sorted(v);
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(s["p90_upper_bound_99_ns"].get<double>(), sorted[s["early_stopping"]["rank"].get<std::size_t>() - 1]);
  }
}

// The acceptance run.
TEST(RunHarness, StopRuleRecordPassesTheSchemaCheck) {
  TempDir tmp;
  const auto r = run_cli({"run", "--model", kModel, "--backend", "reference", "--scenario", "single-stream", "--min-queries",
                          "5", "--min-duration", "1s", "--warmup", "0", "--samples", "2", "--out", tmp / "out", "--quiet"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto files = records_in(tmp.path() / "out");
  ASSERT_EQ(files.size(), 1u);
  const json j = json::parse(read_file(files.front()));
  expect_schema(j);
  EXPECT_EQ(j["scenario"]["name"], "single-stream");
  EXPECT_EQ(j["scenario"]["stopped_by"], "minimums met");
  EXPECT_GE(j["timing"]["samples_ns"].size(), 5u);
  EXPECT_GE(j["timing"]["phase_ns"].get<double>(), 1e9);
  EXPECT_EQ(j["scenario"]["samples"]["count"], 2);
  for (const auto& i : j["timing"]["sample_indices"]) EXPECT_LT(i.get<int>(), 2);
  expect_stats_recomputable(j["timing"]);
  EXPECT_TRUE(j["power"].is_null());
  EXPECT_EQ(j["validity"]["verdict"], "VALID") << j["validity"].dump();
}

TEST(RunHarness, SigintLeavesAnInterruptedRecordAndExits130) {
  TempDir tmp;
  const std::string err_path = tmp / "stderr";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<std::string> args = {EB_CLI, "run", "--model", kModel, "--backend", "reference", "--min-queries", "100000",
                                   "--min-duration", "1000s", "--warmup", "0", "--out", tmp / "out"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, EB_CLI, &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);

  // The progress line (plain, stderr is a file) appears once the timed phase has run for a
  // second: the child is then mid-run with samples taken. Waiting on the line, not a clock.
  bool running = false;
  for (int i = 0; i < 1200 && !running; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    running = read_file(err_path).find("[reference]") != std::string::npos;
  }
  ASSERT_TRUE(running) << "no progress line from the child: " << read_file(err_path);
  ASSERT_EQ(::kill(pid, SIGINT), 0);
  int wstatus = 0;
  while (waitpid(pid, &wstatus, 0) < 0) {
  }
  ASSERT_TRUE(WIFEXITED(wstatus)) << "killed by signal " << WTERMSIG(wstatus);
  EXPECT_EQ(WEXITSTATUS(wstatus), 130) << read_file(err_path);
  EXPECT_NE(read_file(err_path).find("interrupted"), std::string::npos);

  const auto files = records_in(tmp.path() / "out");
  ASSERT_EQ(files.size(), 1u);
  const json j = json::parse(read_file(files.front()));  // valid JSON: written atomically
  expect_schema(j);
  EXPECT_EQ(j["validity"]["verdict"], "INVALID");
  ASSERT_FALSE(j["validity"]["reasons"].empty());
  EXPECT_EQ(j["validity"]["reasons"][0], "interrupted");
  EXPECT_TRUE(j["scenario"]["interrupted"].get<bool>());
  EXPECT_EQ(j["scenario"]["stopped_by"], "interrupt");
  ASSERT_FALSE(j["timing"]["samples_ns"].empty());
  expect_stats_recomputable(j["timing"]);
}

// An external meter's log (host-monotonic seconds, constant 5 W) covering the whole run:
// the energy figures follow exactly, and are labelled measured by the meter.
TEST(RunHarness, PowerFromAMeterLog) {
  TempDir tmp;
  const double now = std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  {
    std::ofstream log(tmp / "meter.csv");
    log << "timestamp_s,watts\n";
    for (int i = -30; i <= 600; ++i) log << std::fixed << now + i << ",5.0\n";
  }
  const auto r = run_cli({"run", "--model", kModel, "--backend", "reference", "--iterations", "2", "--warmup", "0", "--power",
                          "meter=" + (tmp / "meter.csv").string(), "--idle-baseline", "100ms", "--out", tmp / "out", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const json j = json::parse(r.out);  // --json: stdout is the record
  expect_schema(j);
  ASSERT_TRUE(j["power"].is_object());
  const json& e = j["power"]["energy"];
  ASSERT_TRUE(e.is_object()) << j["power"].dump();
  const double seconds = e["window"]["seconds"].get<double>();
  const json& totals = e["totals"];
  ASSERT_TRUE(totals.is_object()) << e.dump();
  EXPECT_NEAR(totals["mean_w"]["value"].get<double>(), 5.0, 1e-6);
  EXPECT_NEAR(totals["gross_j"]["value"].get<double>(), 5.0 * seconds, 1e-6 * seconds + 1e-9);
  EXPECT_EQ(totals["gross_j"]["provenance"]["kind"], "measured");
  ASSERT_TRUE(totals.contains("net_j")) << totals.dump();
  EXPECT_NEAR(totals["net_j"]["value"].get<double>(), 0.0, 1e-6);
  EXPECT_EQ(e["inferences"], 2);
  EXPECT_EQ(j["validity"]["verdict"], "VALID") << j["validity"].dump();
}

// --power model on a simulated device: the board model's power over the modeled device
// time of each run, never over the host's wall time of the simulation.
TEST(RunHarness, PowerModelOfASimulatedDeviceIsIntegratedOverModeledTime) {
  TempDir tmp;
  const auto r = run_cli({"run", "--model", kModel, "--backend", "fpga", "--precision", "fixed", "--iterations", "2", "--warmup",
                          "0", "--power", "model", "--idle-baseline", "10ms", "--out", tmp / "out", "--json"});
  if (r.status != 0 && r.err.find("not available") != std::string::npos) GTEST_SKIP() << r.err;
  ASSERT_EQ(r.status, 0) << r.err;
  const json j = json::parse(r.out);
  expect_schema(j);
  const json& e = j["power"]["energy"];
  ASSERT_TRUE(e.is_object()) << j["power"].dump();
  EXPECT_NE(e["clock"].get<std::string>().find("modeled device time"), std::string::npos);
  double device_s = 0;
  for (const auto& ns : j["timing"]["device"]["samples_ns"]) device_s += ns.get<double>() * 1e-9;
  double host_s = 0;
  for (const auto& ns : j["timing"]["samples_ns"]) host_s += ns.get<double>() * 1e-9;
  EXPECT_NEAR(e["window"]["seconds"].get<double>(), device_s, 1e-6);
  EXPECT_GT(host_s, device_s);  // the simulation is slower than the board: using wall time would be wrong
  const json& t = e["totals"];
  const double w = t["mean_w"]["value"].get<double>();
  EXPECT_GT(w, 3.5);  // above the board's static power
  EXPECT_NEAR(t["gross_j"]["value"].get<double>(), w * device_s, 1e-9);
  EXPECT_NEAR(t["idle_mean_w"]["value"].get<double>(), 3.5, 1e-12);
  for (const char* k : {"gross_j", "mean_w", "net_j", "gross_mj_per_inference"}) {
    EXPECT_EQ(t[k]["provenance"]["kind"], "modeled") << k;
    EXPECT_NE(t[k]["provenance"]["source"].get<std::string>().find("zcu102-power-model"), std::string::npos) << k;
  }
  EXPECT_EQ(j["validity"]["verdict"], "VALID") << j["validity"].dump();
}

// On a backend timed by the host clock the model's power is sampled over the wall time;
// the cpu model needs the CPU's TDP, which the OS does not give.
TEST(RunHarness, PowerModelOfTheCpuNeedsItsTdp) {
  TempDir tmp;
  const std::vector<std::string> base{"run", "--model", kModel, "--backend", "cpu", "--iterations", "2", "--warmup", "0",
                                      "--power", "model", "--out", tmp / "out"};
  const auto missing = run_cli(base);
  if (missing.status != 0 && missing.err.find("not available") != std::string::npos) GTEST_SKIP() << missing.err;
  EXPECT_NE(missing.status, 0);
  ASSERT_EQ(missing.err_lines().size(), 1u) << missing.err;
  EXPECT_NE(missing.err.find("cpu.tdp_watts"), std::string::npos) << missing.err;
  EXPECT_TRUE(records_in(tmp.path() / "out").empty());

  auto with_tdp = base;
  with_tdp.insert(with_tdp.end(), {"--backend-option", "cpu.tdp_watts=100", "--json"});
  const auto r = run_cli(with_tdp);
  ASSERT_EQ(r.status, 0) << r.err;
  const json j = json::parse(r.out);
  const json& e = j["power"]["energy"];
  ASSERT_TRUE(e.is_object()) << j["power"].dump();
  EXPECT_EQ(e["clock"], "std::chrono::steady_clock");
  const json& t = e["totals"];
  EXPECT_GT(t["mean_w"]["value"].get<double>(), 30.0);  // at least the idle floor of a 100 W socket
  EXPECT_LE(t["mean_w"]["value"].get<double>(), 100.0 + 1e-9);
  EXPECT_EQ(t["gross_j"]["provenance"]["kind"], "modeled");
  EXPECT_NE(t["gross_j"]["provenance"]["source"].get<std::string>().find("tdp-linear"), std::string::npos);

  auto bad = base;
  bad.insert(bad.end(), {"--backend-option", "cpu.tdp_watts=lots"});
  const auto b = run_cli(bad);
  EXPECT_NE(b.status, 0);
  EXPECT_EQ(b.err_lines().size(), 1u) << b.err;
}

// A simulated device's modeled energy and a measured source cannot share one total.
TEST(RunHarness, PowerModelOfASimulatedDeviceStandsAlone) {
  TempDir tmp;
  {
    std::ofstream log(tmp / "meter.csv");
    log << "timestamp_s,watts\n";
    const double now = std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
    for (int i = -30; i <= 600; ++i) log << std::fixed << now + i << ",5.0\n";
  }
  const auto r = run_cli({"run", "--model", kModel, "--backend", "fpga", "--precision", "fixed", "--iterations", "1", "--warmup",
                          "0", "--power", "model,meter=" + (tmp / "meter.csv").string(), "--out", tmp / "out"});
  if (r.status != 0 && r.err.find("not available") != std::string::npos) GTEST_SKIP() << r.err;
  EXPECT_NE(r.status, 0);
  ASSERT_EQ(r.err_lines().size(), 1u) << r.err;
  EXPECT_NE(r.err.find("--power model alone"), std::string::npos) << r.err;
  EXPECT_TRUE(records_in(tmp.path() / "out").empty());
}

// Power sources are selected once per job, after compile: even interleaved, where nothing
// is sampled, the record's selection is the compiled executable's own model.
TEST(RunHarness, InterleavedPowerSelectionIsTheCompiledModels) {
  TempDir tmp;
  const auto r = run_cli({"run", "--model", kModel, "--backend", "fpga,edgetpu", "--interleave", "--iterations", "1", "--warmup",
                          "0", "--samples", "1", "--no-fidelity", "--power", "model", "--out", tmp / "out", "--json"});
  if (r.status != 0 && r.err.find("not available") != std::string::npos) GTEST_SKIP() << r.err;
  ASSERT_TRUE(r.status == 0 || r.status == 3) << r.err;  // 3: the edgetpu runs little of the backbone (INVALID)
  const json all = json::parse(r.out);
  ASSERT_EQ(all.size(), 2u);
  for (const auto& j : all) {
    const json& p = j["power"];
    EXPECT_NE(p["not_measured"].get<std::string>().find("interleaved"), std::string::npos) << p.dump();
    ASSERT_EQ(p["selection"]["channels"].size(), 1u) << p.dump();
    const std::string channel = p["selection"]["channels"][0].dump();
    EXPECT_EQ(channel.find("once compiled"), std::string::npos) << channel;
    EXPECT_NE(channel.find(j["backend"]["name"] == "fpga" ? "zcu102" : "edgetpu"), std::string::npos) << channel;
  }
}

TEST(RunHarness, ProfilePrintsTopNodesAndRecordsEveryNode) {
  TempDir tmp;
  const auto r = run_cli({"run", "--model", kModel, "--backend", "reference", "--iterations", "1", "--warmup", "0", "--profile",
                          "--profile-runs", "1", "--out", tmp / "out"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("profile    top 10 of"), std::string::npos) << r.out;
  const auto files = records_in(tmp.path() / "out");
  ASSERT_EQ(files.size(), 1u);
  const json j = json::parse(read_file(files.front()));
  ASSERT_TRUE(j["profile"].is_object());
  EXPECT_EQ(j["profile"]["runs"], 1);
  const json& nodes = j["profile"]["nodes"];
  ASSERT_GT(nodes.size(), 10u);
  double share = 0;
  for (const auto& n : nodes) {
    EXPECT_TRUE(n["node"].is_string());
    EXPECT_GE(n["mean_ns"].get<double>(), 0);
    EXPECT_EQ(n["provenance"]["kind"], "measured");
    share += n["share"].get<double>();
  }
  EXPECT_NEAR(share, 1.0, 1e-9);
}

TEST(RunHarness, BadHarnessFlagsAreUsageErrors) {
  TempDir tmp;
  const auto base = std::vector<std::string>{"run", "--model", kModel, "--backend", "reference", "--out", tmp / "out"};
  const auto with = [&](std::vector<std::string> extra) {
    auto a = base;
    a.insert(a.end(), extra.begin(), extra.end());
    return run_cli(a);
  };
  for (const auto& extra : std::vector<std::vector<std::string>>{{"--min-duration", "soon"},
                                                                 {"--warmup", "lots"},
                                                                 {"--scenario", "server"},
                                                                 {"--iterations", "2", "--min-queries", "5"},
                                                                 {"--min-queries", "50", "--max-queries", "10"},
                                                                 {"--power", "bogus"},
                                                                 {"--interleave"}}) {
    const auto r = with(extra);
    EXPECT_EQ(r.status, 2) << extra.front() << ": " << r.err;
    EXPECT_EQ(r.err_lines().size(), 1u) << r.err;
    EXPECT_TRUE(records_in(tmp.path() / "out").empty());
  }
}

}  // namespace
}  // namespace eb::test
