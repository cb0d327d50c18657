// Golden tests: the compare outputs (table, CSV, JSON, Markdown) and the report CSV of the
// fixed records, byte for byte. The bootstrap is seeded, so the intervals are fixed too.
#include <gtest/gtest.h>

#include "report_fixtures.h"
#include "reports/compare_render.h"
#include "reports/comparison.h"
#include "reports/record_csv.h"

namespace eb::reports {
namespace {

using testing::expect_golden;
using testing::fixture_records;

TEST(ReportGolden, CompareTable) { expect_golden("compare.txt", render_compare_table(compare(fixture_records()), false)); }

TEST(ReportGolden, CompareTableAgainstFpga) {
  expect_golden("compare-baseline-fpga.txt", render_compare_table(compare(fixture_records(), {"fpga:fixed"}), false));
}

TEST(ReportGolden, CompareCsv) { expect_golden("compare.csv", render_compare_csv(compare(fixture_records()))); }

TEST(ReportGolden, CompareJson) { expect_golden("compare.json", compare_to_json(compare(fixture_records())).dump(2) + "\n"); }

TEST(ReportGolden, CompareMarkdown) { expect_golden("compare.md", render_compare_markdown(compare(fixture_records()))); }

TEST(ReportGolden, RecordsCsv) { expect_golden("records.csv", records_csv(fixture_records())); }

}  // namespace
}  // namespace eb::reports
