// End to end: `edgebench compare`, `report` and `reproduce` as a user runs them.
#include <gtest/gtest.h>

#include "../cli/cli_runner.h"
#include "report_fixtures.h"

namespace eb::reports {
namespace {

using eb::test::run_cli;
using eb::test::TempDir;

const std::string kRecords = testing::records_dir().string();
const std::string kTruncated = (testing::data_dir() / "bad/truncated.json").string();

TEST(ReportCli, CompareTableMatchesTheGolden) {
  // Records are given as a folder; stdout is not a terminal, so no colour.
  const auto r = run_cli({"compare", kRecords});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, testing::read_text(std::filesystem::path(EB_SOURCE_DIR) / "tests/reports/golden/compare.txt"));
}

TEST(ReportCli, CompareFormats) {
  const auto csv = run_cli({"compare", kRecords, "--format", "csv"});
  ASSERT_EQ(csv.status, 0) << csv.err;
  EXPECT_TRUE(csv.out.starts_with("workload,backend,precision,device,baseline,"));
  const auto json = run_cli({"compare", kRecords, "--format", "json", "--baseline", "fpga:fixed"});
  ASSERT_EQ(json.status, 0) << json.err;
  const auto j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["groups"][0]["baseline"], "fpga fixed");
  const auto md = run_cli({"compare", kRecords, "--format", "markdown"});
  EXPECT_NE(md.out.find("| backend |"), std::string::npos);
}

TEST(ReportCli, BadRecordIsOneLineNamingTheFile) {
  const auto r = run_cli({"compare", kRecords, kTruncated});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(r.out.empty());
  ASSERT_EQ(r.err_lines().size(), 1u) << r.err;
  EXPECT_NE(r.err.find(kTruncated), std::string::npos);
  const auto missing_baseline = run_cli({"compare", kRecords, "--baseline", "tpu9000"});
  EXPECT_EQ(missing_baseline.status, 2);
  EXPECT_EQ(missing_baseline.err_lines().size(), 1u);
}

TEST(ReportCli, ReportWritesHtmlAndCsv) {
  TempDir dir;
  const auto r = run_cli({"report", kRecords, "--html", dir / "r.html", "--csv", dir / "r.csv"});
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string html = eb::test::read_file(dir / "r.html"), csv = eb::test::read_file(dir / "r.csv");
  EXPECT_TRUE(html.starts_with("<!DOCTYPE html>"));
  EXPECT_TRUE(html.ends_with("</html>\n"));
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 6);  // header and 5 records
}

TEST(ReportCli, ReportWritesNothingWhenARecordIsBad) {
  TempDir dir;
  const auto r = run_cli({"report", kRecords, kTruncated, "--html", dir / "r.html", "--csv", dir / "r.csv"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err_lines().size(), 1u);
  EXPECT_FALSE(std::filesystem::exists(dir / "r.html"));
  EXPECT_FALSE(std::filesystem::exists(dir / "r.csv"));
  EXPECT_EQ(run_cli({"report", kRecords}).status, 2);  // nothing to write
}

TEST(ReportCli, ReproduceEdgeMoeQuick) {
  TempDir dir;
  // The FPGA datapath alone keeps the test short; `edgebench reproduce edge-moe` without
  // --backends runs every available backend.
  const auto r = run_cli({"reproduce", "edge-moe", "--quick", "--backends", "fpga", "--out", dir / "out"});
  ASSERT_EQ(r.status, 0) << r.err;
  // Both tables: the paper's beside ours, and this host's comparison.
  EXPECT_NE(r.out.find("published figures beside this host's"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2.24×"), std::string::npos);
  EXPECT_NE(r.out.find("4.90×"), std::string::npos);
  EXPECT_NE(r.out.find("about 59 ms"), std::string::npos);
  EXPECT_NE(r.out.find("ZCU102"), std::string::npos);
  EXPECT_NE(r.out.find("arXiv:2305.18691"), std::string::npos);
  EXPECT_NE(r.out.find("This host, all backends"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(dir / "out/report.html"));
  EXPECT_TRUE(std::filesystem::exists(dir / "out/results.csv"));
  // The records it wrote read back with compare.
  EXPECT_EQ(run_cli({"compare", dir / "out"}).status, 0);
}

TEST(ReportCli, ReproduceUnknownPaper) {
  const auto r = run_cli({"reproduce", "alexnet"});
  EXPECT_EQ(r.status, 2);
}

}  // namespace
}  // namespace eb::reports
