// What the comparison decides, independent of formatting.
#include "reports/comparison.h"

#include <gtest/gtest.h>

#include "report_fixtures.h"

namespace eb::reports {
namespace {

using testing::fixture_records;

const CompareRow& row(const CompareGroup& g, const std::string& backend) {
  for (const auto& r : g.rows)
    if (r.backend == backend) return r;
  throw std::runtime_error("no row " + backend);
}

TEST(ReportComparison, GroupsByWorkloadWithCpuAsDefaultBaseline) {
  const auto records = fixture_records();
  const Comparison c = compare(records);
  ASSERT_EQ(c.groups.size(), 2u);
  EXPECT_EQ(c.groups[0].workload, "m3vit-backbone/seg b1 single-stream");
  EXPECT_EQ(c.groups[0].baseline, "cpu fp32");
  EXPECT_EQ(c.groups[1].workload, "mobiledet-cpu b1 single-stream");
  EXPECT_TRUE(row(c.groups[0], "cpu").is_baseline);
}

TEST(ReportComparison, RatiosAgainstTheBaselineAreModeledWhenEitherSideIs) {
  const Comparison c = compare(fixture_records());
  const CompareRow& fpga = row(c.groups[0], "fpga");
  ASSERT_TRUE(fpga.speedup);
  EXPECT_TRUE(fpga.speedup->modeled);
  EXPECT_NEAR(fpga.speedup->interval.estimate, 40.4e6 / 30.1e6, 1e-9);  // cpu p50 / fpga p50
  EXPECT_LE(fpga.speedup->interval.low, fpga.speedup->interval.estimate);
  EXPECT_GE(fpga.speedup->interval.high, fpga.speedup->interval.estimate);
  ASSERT_TRUE(fpga.energy_efficiency);
  EXPECT_TRUE(fpga.energy_efficiency->modeled);
  const CompareRow& cpu = row(c.groups[0], "cpu");
  EXPECT_NEAR(fpga.energy_efficiency->interval.estimate, fpga.inferences_per_j->value / cpu.inferences_per_j->value, 1e-12);
  ASSERT_TRUE(fpga.u_test);  // 12 samples each side
  EXPECT_TRUE(fpga.u_test->significant());
  EXPECT_LT(fpga.u_test->effect, 0.5);  // faster than the baseline
  // The reference has 5 samples: too few for the U test; no power: no energy ratio.
  const CompareRow& ref = row(c.groups[0], "reference");
  EXPECT_FALSE(ref.u_test);
  EXPECT_FALSE(ref.energy_efficiency);
  ASSERT_TRUE(ref.speedup);
  EXPECT_FALSE(ref.speedup->modeled);
  EXPECT_LT(ref.speedup->interval.estimate, 0.1);
  EXPECT_EQ(ref.invalid.size(), 1u);
}

TEST(ReportComparison, ModeledFiguresAreFootnotedWithTheirSource) {
  const Comparison c = compare(fixture_records());
  bool latency = false, energy = false;
  for (const auto& f : c.modeled) {
    latency = latency || (f.row == "fpga fixed" && f.what == "latency" && f.source.find("cycle model") != std::string::npos);
    energy = energy || (f.row == "fpga fixed" && f.what == "energy");
    EXPECT_NE(f.row, "cpu fp32");  // measured figures are never footnoted as modeled
  }
  EXPECT_TRUE(latency);
  EXPECT_TRUE(energy);
}

TEST(ReportComparison, NamedBaselineAndRepeatedRecordsPool) {
  auto records = fixture_records();
  records.push_back(records.front());  // a repeated cpu run
  const Comparison c = compare(records, {"fpga"});
  EXPECT_EQ(c.groups[0].baseline, "fpga fixed");
  EXPECT_EQ(row(c.groups[0], "cpu").records.size(), 2u);
  EXPECT_EQ(row(c.groups[0], "cpu").samples, 24u);
  EXPECT_EQ(c.groups[1].baseline, "");  // no fpga record for MobileDet: no ratios there
  EXPECT_FALSE(row(c.groups[1], "cpu").speedup);
  EXPECT_THROW(compare(records, {"tpu9000"}), std::invalid_argument);
}

TEST(ReportComparison, BootstrapIsReproducible) {
  const auto records = fixture_records();
  const Comparison a = compare(records), b = compare(records);
  EXPECT_EQ(row(a.groups[0], "fpga").speedup->interval.low, row(b.groups[0], "fpga").speedup->interval.low);
  EXPECT_EQ(row(a.groups[0], "fpga").energy_efficiency->interval.high, row(b.groups[0], "fpga").energy_efficiency->interval.high);
}

}  // namespace
}  // namespace eb::reports

namespace eb::reports {
namespace {

// The cpu backend runs fp32 and int8 (reproduce mobiledet): the default baseline is its
// fp32 run, wherever the records list it; --baseline cpu:int8 picks the int8 one.
TEST(ReportComparison, CpuInTwoPrecisionsDefaultsToFp32AndTakesCpuInt8) {
  auto records = fixture_records();
  RecordView int8 = records.front();  // the m3vit cpu record, as an int8 run
  int8.precision = "int8";
  records.insert(records.begin(), int8);
  const Comparison c = compare(records);
  EXPECT_EQ(c.groups[0].baseline, "cpu fp32");
  const Comparison by_int8 = compare(records, {"cpu:int8"});
  EXPECT_EQ(by_int8.groups[0].baseline, "cpu int8");
  for (const auto& r : by_int8.groups[0].rows)
    if (r.backend == "cpu") {
      EXPECT_EQ(r.is_baseline, r.precision == "int8");
      EXPECT_EQ(static_cast<bool>(r.speedup), r.precision == "fp32");  // fp32 gets a ratio against int8
    }
}

}  // namespace
}  // namespace eb::reports
