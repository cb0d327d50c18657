#include "reports/record.h"

#include <gtest/gtest.h>

#include "report_fixtures.h"

namespace eb::reports {
namespace {

using testing::data_dir;
using testing::records_dir;

TEST(ReportRecord, ReadsHostTimingPowerAndProfile) {
  const RecordView r = load_record(records_dir() / "m3vit-backbone-seg-cpu-fp32.json");
  EXPECT_EQ(r.model, "m3vit-backbone");
  EXPECT_EQ(r.task, "seg");
  EXPECT_EQ(r.backend_label(), "cpu fp32");
  EXPECT_EQ(r.latency_basis, "host wall time");
  ASSERT_EQ(r.latency_ns.size(), 12u);
  ASSERT_TRUE(r.p50_ns);
  EXPECT_EQ(r.p50_ns->value, 40400000);  // nearest rank 6 of 12
  EXPECT_FALSE(r.p50_ns->modeled());
  ASSERT_TRUE(r.mean_power_w);
  EXPECT_DOUBLE_EQ(r.mean_power_w->value, 25.0);
  EXPECT_EQ(r.mean_power_w->provenance.source, "rapl:package-0");
  ASSERT_TRUE(r.mj_per_inference);
  EXPECT_NEAR(r.mj_per_inference->value, 25.0 * r.mean_ns->value * 1e-6, 1e-6);  // 25 W over the mean latency
  // The RAPL counter is differenced into power: 2.4 J over 0.1 s = 24 W.
  ASSERT_EQ(r.power_series.size(), 1u);
  EXPECT_NEAR(r.power_series[0].watts.front(), 24.0, 1e-9);
  EXPECT_EQ(r.power_samples_w.size(), 5u);
  EXPECT_EQ(r.profile.size(), 3u);
  EXPECT_TRUE(r.verdict_known);
  EXPECT_TRUE(r.valid);
}

TEST(ReportRecord, ModeledDeviceTimeReplacesTheSimulatorsHostTime) {
  const RecordView r = load_record(records_dir() / "m3vit-backbone-seg-fpga-fixed.json");
  EXPECT_EQ(r.latency_basis, "device time (modeled)");
  ASSERT_TRUE(r.p50_ns);
  EXPECT_TRUE(r.p50_ns->modeled());
  EXPECT_LT(r.p50_ns->value, 31e6);  // not the 2 s a query took to simulate
  ASSERT_TRUE(r.mj_per_inference);
  EXPECT_TRUE(r.mj_per_inference->modeled());
  // 8.5 W over the modeled mean latency, not over the simulation's wall time.
  EXPECT_NEAR(r.mj_per_inference->value, 8.5 * r.mean_ns->value * 1e-6, 1e-9);
  EXPECT_NEAR(r.inferences_per_j->value, 1e3 / r.mj_per_inference->value, 1e-9);
}

TEST(ReportRecord, MissingSectionsAreAbsentAndUnknownFieldsIgnored) {
  const RecordView r = load_record(records_dir() / "m3vit-backbone-seg-reference-fp32.json");
  EXPECT_FALSE(r.mean_power_w);
  EXPECT_FALSE(r.mj_per_inference);
  EXPECT_FALSE(r.accuracy);
  EXPECT_TRUE(r.profile.empty());
  EXPECT_FALSE(r.valid);
  ASSERT_EQ(r.reasons.size(), 1u);

  // A bare minimum: the schema version, a model, a backend and a timing section.
  const RecordView bare = record_from_json(nlohmann::json{{"schema_version", 1}, {"workload", {{"model", "m"}}}, {"backend", {{"name", "b"}}},
                                                          {"timing", {{"stats", {{"p50_ns", "not a number"}}}}}},
                                           "bare.json");
  EXPECT_FALSE(bare.p50_ns);
  EXPECT_FALSE(bare.throughput_per_s);
  EXPECT_FALSE(bare.verdict_known);
  EXPECT_EQ(bare.workload_key(), "m b1 single-stream");
}

TEST(ReportRecord, AccuracyFromACocoEvaluation) {
  const RecordView r = load_record(records_dir() / "mobiledet-cpu-cpu-fp32.json");
  ASSERT_TRUE(r.accuracy);
  EXPECT_NEAR(r.accuracy->value, 23.1, 1e-9);
  EXPECT_EQ(r.accuracy_metric, "COCO mAP");
}

TEST(ReportRecord, UnknownProvenanceIsNeverShownAsMeasured) {
  nlohmann::json j = {{"schema_version", 1},
                      {"workload", {{"model", "m"}}},
                      {"backend", {{"name", "b"}}},
                      {"timing", {{"provenance", {{"kind", "guessed"}}}, {"samples_ns", {1000, 2000}}}}};
  const RecordView r = record_from_json(j, "x.json");
  ASSERT_TRUE(r.p50_ns);
  EXPECT_TRUE(r.p50_ns->modeled());
  EXPECT_FALSE(r.reader_warnings.empty());
}

TEST(ReportRecord, ErrorsNameTheFile) {
  const auto message = [](const std::filesystem::path& p) {
    try {
      load_records({p});
    } catch (const RecordError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const auto truncated = data_dir() / "bad/truncated.json";
  EXPECT_NE(message(truncated).find(truncated.string() + ": malformed JSON"), std::string::npos) << message(truncated);
  const auto other = data_dir() / "bad/not-a-record.json";
  EXPECT_NE(message(other).find(other.string() + ": not an edgebench result record"), std::string::npos);
  EXPECT_NE(message(data_dir() / "nope.json").find("no such file"), std::string::npos);
  EXPECT_NE(message(data_dir() / "bad").find("not-a-record.json: not an edgebench"), std::string::npos);  // a folder: its first file
}

TEST(ReportRecord, FoldersContributeTheirJsonFilesInNameOrder) {
  const auto records = load_records({records_dir()});
  ASSERT_EQ(records.size(), 5u);
  EXPECT_EQ(records.front().file.filename(), "m3vit-backbone-seg-cpu-fp32.json");
  EXPECT_EQ(records.back().file.filename(), "mobiledet-cpu-edgetpu-int8.json");
}

}  // namespace
}  // namespace eb::reports
