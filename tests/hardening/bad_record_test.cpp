// The bad-record table: records that `compare` and `report` must reject, each with one
// error line naming the file and what is wrong, exit 1, and no report written. The
// records are a real run's record with one thing changed.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "tests/hardening/child.h"

namespace eb::test {
namespace {

using nlohmann::json;

struct BadRecord {
  const char* name;
  void (*edit)(json&);
  const char* needle;  // the error line names the problem with this text
};

// One real record for the whole table (a run costs a second or two).
// What gtest prints for GetParam() (without it, the struct's bytes).
void PrintTo(const BadRecord& r, std::ostream* os) { *os << r.name; }

class BadRecordTable : public ::testing::TestWithParam<BadRecord> {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    const auto r = run_cli({"run", "--model", kModel, "--backend", "reference", "--iterations", "2", "--warmup", "0",
                            "--no-fidelity", "--out", dir_->path() / "rec", "--quiet"});
    ASSERT_EQ(r.status, 0) << r.err;
    good_ = new json(json::parse(read_file(dir_->path() / "rec" / "m3vit-backbone-seg-reference-fp32.json")));
  }
  static void TearDownTestSuite() {
    delete good_;
    delete dir_;
  }
  static inline TempDir* dir_ = nullptr;
  static inline json* good_ = nullptr;
};

TEST_P(BadRecordTable, IsRejectedByCompareAndReportNamingFileAndProblem) {
  ASSERT_NE(good_, nullptr);
  TempDir tmp;
  json bad = *good_;
  GetParam().edit(bad);
  const fs::path file = tmp / "bad.json";
  { std::ofstream(file) << bad.dump(); }
  { std::ofstream(tmp / "good.json") << good_->dump(); }
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"compare", tmp.path().string()},
        std::vector<std::string>{"report", tmp.path().string(), "--csv", (tmp / "out.csv").string()}}) {
    const auto r = run_cli(args);
    EXPECT_EQ(r.status, 1) << args[0] << ": " << r.err;
    const auto lines = r.err_lines();
    ASSERT_EQ(lines.size(), 1u) << args[0] << ": " << r.err;
    EXPECT_EQ(lines[0].rfind("edgebench: error: " + file.string() + ": ", 0), 0u) << lines[0];
    EXPECT_NE(lines[0].find(GetParam().needle), std::string::npos) << lines[0];
    EXPECT_LT(lines[0].size(), 300u);
    EXPECT_FALSE(fs::exists(tmp / "out.csv"));
  }
}

std::string deep(int levels) { return std::string(levels, '[') + std::string(levels, ']'); }

const BadRecord kRecords[] = {
    {"UnknownSchemaVersion", [](json& j) { j["schema_version"] = 2; }, "schema_version 2 is not one this reader knows (1)"},
    {"HugeSchemaVersion", [](json& j) { j["schema_version"] = 1e300; }, "schema_version 1e+300 is not one"},
    {"NoSchemaVersion", [](json& j) { j.erase("schema_version"); }, "no schema_version"},
    {"NoTiming", [](json& j) { j.erase("timing"); }, "no timing section"},
    {"NegativeLatency", [](json& j) { j["timing"]["samples_ns"][0] = -5; }, "timing.samples_ns holds -5, not a latency"},
    {"LatencyNotANumber", [](json& j) { j["timing"]["samples_ns"][1] = "fast"; }, "timing.samples_ns holds \"fast\""},
    {"BatchOutOfRange", [](json& j) { j["workload"]["batch"] = 1e30; }, "workload.batch 1e+30 is not a batch size"},
    {"DeepNesting", [](json& j) { j["notes"] = json::parse(deep(200)); }, "nested deeper than 64 levels"},
};

INSTANTIATE_TEST_SUITE_P(Table, BadRecordTable, ::testing::ValuesIn(kRecords), [](const auto& info) { return info.param.name; });

// Counts that do not fit an integer (fuzzing found 2.77e81: the unchecked cast was
// undefined behaviour) read as unknown, with the reader's warning, and the record loads.
TEST(HugeCounts, LoadWithoutUndefinedBehaviour) {
  const fs::path finding = fs::path(EB_SOURCE_DIR) / "fuzz" / "corpus" / "record" / "finding-macs-2.77e81";
  TempDir tmp;
  fs::copy_file(finding, tmp / "r.json");
  const auto r = run_cli({"compare", (tmp / "r.json").string()});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("reference fp32"), std::string::npos) << r.out;
}

// A weights file whose shape nests 10,000 deep (it crashed the run: dump() recursed while
// the error text was built): one short line naming the file.
TEST(DeepWeightsHeader, IsOneShortLine) {
  const fs::path finding = fs::path(EB_SOURCE_DIR) / "fuzz" / "corpus" / "safetensors" / "finding-shape-nested-10000";
  TempDir tmp;
  const auto r = run_cli({"run", "--model", kModel, "--weights", finding.string(), "--out", (tmp / "out").string()});
  EXPECT_EQ(r.status, 1) << r.err;
  const auto lines = r.err_lines();
  ASSERT_EQ(lines.size(), 1u) << r.err.substr(0, 500);
  EXPECT_NE(lines[0].find("header nests deeper than 8 levels"), std::string::npos) << lines[0].substr(0, 500);
  EXPECT_LT(lines[0].size(), 300u);
  EXPECT_FALSE(fs::exists(tmp / "out"));
}

// Records made with different settings are different rows; records of the same settings
// pool into one row whose throughput and mean latency follow one definition (throughput =
// batch / pooled mean latency; it was the mean of per-record throughputs, 3.8% apart).
TEST(CompareRows, SplitOnSettingsAndPoolWithOneDefinition) {
  TempDir tmp;
  const auto r = run_cli({"run", "--model", kModel, "--backend", "reference", "--iterations", "2", "--warmup", "0",
                          "--no-fidelity", "--out", (tmp / "rec").string(), "--quiet"});
  ASSERT_EQ(r.status, 0) << r.err;
  json base = json::parse(read_file(tmp / "rec" / "m3vit-backbone-seg-reference-fp32.json"));
  fs::create_directories(tmp / "in");
  const auto write = [&](const char* name, int threads, std::vector<double> samples) {
    json j = base;
    j["backend"]["threads"] = threads;
    j["timing"]["samples_ns"] = samples;
    double mean = 0;
    for (double s : samples) mean += s / static_cast<double>(samples.size());
    j["timing"]["samples_per_s"] = 1e9 / mean;
    std::ofstream(tmp / "in" / name) << j.dump();
  };
  write("a.json", 1, {1e6, 1e6, 1e6});
  write("b.json", 1, {4e6});
  write("c.json", 2, {2e6, 2e6});
  const auto c = run_cli({"compare", (tmp / "in").string(), "--format", "json"});
  ASSERT_EQ(c.status, 0) << c.err;
  const json out = json::parse(c.out);
  const json& rows = out["groups"][0]["rows"];
  ASSERT_EQ(rows.size(), 2u) << rows.dump();
  EXPECT_EQ(rows[0]["records"].size(), 2u);
  // Pooled: 4 queries in 7 ms, mean 1.75 ms, so 571.4 per second (not 625, the mean of
  // the records' 1000/s and 250/s).
  EXPECT_NEAR(rows[0]["mean_ns"]["value"].get<double>(), 1.75e6, 1e-3) << rows[0].dump();
  EXPECT_NEAR(rows[0]["throughput_per_s"]["value"].get<double>(), 1e9 / 1.75e6, 1e-6) << rows[0].dump();
  const auto table = run_cli({"compare", (tmp / "in").string()});
  EXPECT_NE(table.out.find("reference fp32 [threads 1]"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("reference fp32 [threads 2]"), std::string::npos) << table.out;
}

// Data-set accuracy (accuracy.dataset in the record) reaches compare, the CSV and the HTML.
TEST(DatasetAccuracy, ReachesCompareCsvAndHtml) {
  TempDir tmp;
  const auto d = run_cli({"make-dataset", "coco", "--out", (tmp / "D").string(), "--images", "2"});
  ASSERT_EQ(d.status, 0) << d.err;
  const auto r = run_cli({"run", "--model", "mobiledet-cpu", "--backend", "reference", "--dataset", (tmp / "D").string(),
                          "--iterations", "1", "--warmup", "0", "--no-fidelity", "--out", (tmp / "rec").string(), "--quiet"});
  ASSERT_EQ(r.status, 0) << r.err;
  const json rec = json::parse(read_file(tmp / "rec" / "mobiledet-cpu-reference-fp32.json"));
  ASSERT_TRUE(rec["accuracy"]["dataset"]["summary"]["AP"].is_number()) << rec["accuracy"].dump();

  const auto c = run_cli({"compare", (tmp / "rec").string(), "--format", "csv"});
  ASSERT_EQ(c.status, 0) << c.err;
  EXPECT_NE(c.out.find("COCO mAP"), std::string::npos) << c.out;

  const auto rep = run_cli({"report", (tmp / "rec").string(), "--csv", (tmp / "r.csv").string(), "--html",
                            (tmp / "r.html").string()});
  ASSERT_EQ(rep.status, 0) << rep.err;
  const std::string csv = read_file(tmp / "r.csv");
  EXPECT_NE(csv.find("COCO mAP"), std::string::npos) << csv;
  const std::string html = read_file(tmp / "r.html");
  EXPECT_NE(html.find("COCO mAP"), std::string::npos);
  EXPECT_EQ(html.find("No accuracy figures in these records"), std::string::npos);
}

}  // namespace
}  // namespace eb::test
