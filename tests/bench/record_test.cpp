// The pieces of a result record: atomic writes, host facts, weights hash, output
// summaries, validity, and the JSON layout documented in docs/result-schema.md.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "bench/host_info.h"
#include "bench/output_summary.h"
#include "bench/result_record.h"
#include "bench/validity.h"
#include "bench/weights_hash.h"
#include "core/atomic_file.h"
#include "tests/support/temp_dir.h"

namespace eb::bench {
namespace {

namespace fs = std::filesystem;

using test::TempDir;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(AtomicFile, WritesReplacesAndLeavesNothingElse) {
  TempDir dir;
  const auto p = dir.path() / "a.json";
  write_file_atomically(p, std::string_view("first"));
  write_file_atomically(p, std::string_view("second"));
  EXPECT_EQ(slurp(p), "second");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator{}), 1);
  EXPECT_EQ(fs::status(p).permissions() & fs::perms::all, fs::perms(0644));
}

TEST(AtomicFile, FailureLeavesTheOldFileAndNoTemporary) {
  TempDir dir;
  EXPECT_THROW(write_file_atomically(dir.path() / "missing" / "a.json", std::string_view("x")), std::runtime_error);
  EXPECT_THROW(write_file_atomically(dir.path(), std::string_view("x")), std::runtime_error);  // a folder
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator{}), 0);
}

TEST(ResultFolder, CreatedWhenMissingAndRejectedWhenImpossible) {
  TempDir dir;
  prepare_result_folder(dir.path() / "a" / "b");
  EXPECT_TRUE(fs::is_directory(dir.path() / "a" / "b"));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path() / "a" / "b"), fs::directory_iterator{}), 0);
  write_file_atomically(dir.path() / "file", std::string_view("x"));
  EXPECT_THROW(prepare_result_folder(dir.path() / "file" / "sub"), std::runtime_error);
  EXPECT_THROW(prepare_result_folder(dir.path() / "file"), std::runtime_error);
}

TEST(HostInfo, HasTheBasics) {
  const HostInfo h = collect_host_info();
  EXPECT_FALSE(h.cpu_model.empty());
  EXPECT_GT(h.logical_cores, 0u);
  EXPECT_GT(h.cores_available, 0u);
  EXPECT_NE(h.os.find("Linux"), std::string::npos);
  EXPECT_FALSE(h.compiler.empty());
  const auto j = to_json(h);
  for (const char* key : {"cpu_model", "logical_cores", "cores_available", "os", "distribution", "compiler", "cpu_governor"})
    EXPECT_TRUE(j.contains(key)) << key;
}

TEST(WeightsHash, CoversNamesAndBytesInNameOrder) {
  Weights a;
  a.set("x", Tensor::from_f32({2}, {1.0f, 2.0f}));
  a.set("y", Tensor::from_f32({1}, {3.0f}));
  Weights b;  // same content, inserted in the other order
  b.set("y", Tensor::from_f32({1}, {3.0f}));
  b.set("x", Tensor::from_f32({2}, {1.0f, 2.0f}));
  EXPECT_EQ(weights_hash(a), weights_hash(b));
  Weights c = a;
  c.set("y", Tensor::from_f32({1}, {3.5f}));
  EXPECT_NE(weights_hash(a), weights_hash(c));
  Weights d;
  d.set("xx", Tensor::from_f32({2}, {1.0f, 2.0f}));
  d.set("y", Tensor::from_f32({1}, {3.0f}));
  EXPECT_NE(weights_hash(a), weights_hash(d));
  EXPECT_EQ(hex64(weights_hash(Weights{})), "cbf29ce484222325");  // FNV-1a offset basis
  EXPECT_EQ(hex64(0xabc), "0000000000000abc");
}

TEST(OutputSummary, CountsAndExtremes) {
  const float inf = std::numeric_limits<float>::infinity();
  const auto s = summarize_output("y", Tensor::from_f32({5}, {-2.0f, 0.0f, 4.0f, inf, 1.0f}));
  EXPECT_EQ(s.nonfinite, 1);
  EXPECT_EQ(s.zeros, 1);
  EXPECT_EQ(s.min, -2.0);
  EXPECT_EQ(s.max, 4.0);
  EXPECT_DOUBLE_EQ(s.mean, 0.75);
  EXPECT_DOUBLE_EQ(s.mean_abs, 1.75);
}

Timings timings_of(std::vector<std::int64_t> samples, std::vector<Tensor> outs) {
  Timings t;
  t.samples_ns = std::move(samples);
  t.outputs = outs;
  t.last_outputs = std::move(outs);
  return t;
}

TEST(Validity, GoodRunIsValid) {
  const Tensor y = Tensor::from_f32({2}, {1.0f, -1.0f});
  const auto t = timings_of({10, 12, 11}, {y});
  PartitionPlan plan;
  plan.total_nodes = plan.delegated_nodes = 3;
  const Validity v = judge_validity(t, MeasureSettings::fixed(0, 3), {summarize_output("y", y)}, plan);
  EXPECT_TRUE(v.valid);
  EXPECT_TRUE(v.reasons.empty());
  EXPECT_EQ(to_json(v)["verdict"], "VALID");
}

TEST(Validity, BrokenOutputsAndClocksAreInvalid) {
  const Tensor nan = Tensor::from_f32({2}, {std::nanf(""), 1.0f});
  const Tensor zeros(DType::f32, {3});
  const auto t = timings_of({10, 0}, {nan, zeros});
  PartitionPlan plan;
  plan.total_nodes = 4;
  plan.delegated_nodes = 3;
  const Validity v =
      judge_validity(t, MeasureSettings::fixed(0, 3), {summarize_output("a", nan), summarize_output("b", zeros)}, plan);
  EXPECT_FALSE(v.valid);
  const std::string all = to_json(v).dump();
  EXPECT_NE(all.find("2 latency samples for 3 iterations"), std::string::npos);
  EXPECT_NE(all.find("not positive"), std::string::npos);
  EXPECT_NE(all.find("output 'a' has 1 non-finite"), std::string::npos);
  EXPECT_NE(all.find("output 'b' is all zeros"), std::string::npos);
  EXPECT_NE(all.find("1 of 4 nodes fell back"), std::string::npos);
  EXPECT_EQ(to_json(v)["verdict"], "INVALID");
}

TEST(Validity, MostWorkOnTheHostIsInvalid) {
  const Tensor y = Tensor::from_f32({2}, {1.0f, -1.0f});
  const auto t = timings_of({10, 12, 11}, {y});
  PartitionPlan plan;
  plan.backend = "edgetpu";
  plan.total_nodes = 4;
  plan.delegated_nodes = 3;
  plan.total_macs = 1000;
  plan.delegated_macs = 24;  // 2.4% on the backend
  Validity v = judge_validity(t, MeasureSettings::fixed(0, 3), {summarize_output("y", y)}, plan);
  EXPECT_FALSE(v.valid);
  EXPECT_NE(to_json(v).dump().find("most of the work ran on the host, not on edgetpu"), std::string::npos);
  plan.delegated_macs = 500;  // half on the backend: a partitioned run, noted only
  v = judge_validity(t, MeasureSettings::fixed(0, 3), {summarize_output("y", y)}, plan);
  EXPECT_TRUE(v.valid);
  plan.backend = "reference";  // the fallback itself is never "on the host" in this sense
  plan.delegated_macs = 0;
  EXPECT_TRUE(judge_validity(t, MeasureSettings::fixed(0, 3), {summarize_output("y", y)}, plan).valid);
}

// A whole-system figure (a device and its host fallback, beside a published per-frame
// time) may be mostly the host's, when the record keeps the host's measured part apart.
TEST(Validity, AWholeSystemFigureWithItsHostPartLabelledIsNotedNotFailed) {
  const Tensor y = Tensor::from_f32({2}, {1.0f, -1.0f});
  auto t = timings_of({10, 12, 11}, {y});
  PartitionPlan plan;
  plan.backend = "fpga";
  plan.total_nodes = 4;
  plan.delegated_nodes = 3;
  plan.total_macs = 1000;
  plan.delegated_macs = 100;
  MeasureSettings m = MeasureSettings::fixed(0, 3);
  m.whole_system = true;
  EXPECT_FALSE(judge_validity(t, m, {summarize_output("y", y)}, plan).valid);  // no labelled host part
  t.device_samples_ns = {9, 9, 9};
  t.device_host_ns = {5, 5, 5};
  const Validity v = judge_validity(t, m, {summarize_output("y", y)}, plan);
  EXPECT_TRUE(v.valid);
  EXPECT_NE(to_json(v).dump().find("a whole-system figure, as asked"), std::string::npos);
  m.whole_system = false;
  EXPECT_FALSE(judge_validity(t, m, {summarize_output("y", y)}, plan).valid);
}

TEST(ResultRecord, JsonLayoutAndFileName) {
  ResultRecord r;
  r.tool = this_tool();
  r.created = utc_now_iso8601();
  r.workload.model = "m";
  r.workload.task = "seg";
  r.workload.inputs = {{"x", {1, 3}}};
  r.backend.name = "reference";
  r.backend.plan.backend = "reference";
  CompiledModel compiled;
  compiled.compile_ns = 5;
  Timings t = timings_of({30, 10, 20}, {});
  t.first_inference_ns = 99;
  t.device_samples_ns = {1.5, 2.5, 3.5};
  t.device_provenance = Provenance::modeled("cycle model");
  r.timing = make_timing_facts(compiled, t, 2);

  EXPECT_EQ(result_file_name(r), "m-seg-reference-fp32.json");
  const auto j = to_json(r);
  EXPECT_EQ(j["schema_version"], 1);
  EXPECT_EQ(j["tool"]["name"], "edgebench");
  EXPECT_EQ(j["created"].get<std::string>().size(), 20u);
  EXPECT_EQ(j["workload"]["input_shapes"]["x"], nlohmann::json({1, 3}));
  EXPECT_EQ(j["workload"]["weights"]["source"], "seeded");
  EXPECT_EQ(j["timing"]["provenance"]["kind"], "measured");
  EXPECT_EQ(j["timing"]["provenance"]["source"], "std::chrono::steady_clock");
  EXPECT_EQ(j["timing"]["samples_ns"], nlohmann::json({30, 10, 20}));
  EXPECT_EQ(j["timing"]["stats"]["p50_ns"], 20.0);
  EXPECT_EQ(j["timing"]["stats"]["percentile_method"], "nearest-rank");
  EXPECT_DOUBLE_EQ(j["timing"]["throughput_per_s"].get<double>(), 2 * 1e9 / 20);
  EXPECT_EQ(j["timing"]["device"]["provenance"]["kind"], "modeled");
  EXPECT_EQ(j["timing"]["device"]["stats"]["p90_ns"], 3.5);
  for (const char* key : {"host", "backend", "scenario", "outputs", "validity"}) EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["backend"]["partition"]["summary"].get<std::string>().find("0 of 0 nodes"), 0u);

  TempDir dir;
  const auto path = write_result_record(r, dir.path());
  EXPECT_EQ(path.filename(), "m-seg-reference-fp32.json");
  EXPECT_EQ(nlohmann::json::parse(slurp(path)), j);
}

}  // namespace
}  // namespace eb::bench
