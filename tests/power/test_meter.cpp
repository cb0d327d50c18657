// meter: the CSV line format (good logs and every kind of bad line, with its line number),
// the log-file source and the streaming-command source.
#include <gtest/gtest.h>

#include <thread>

#include "bench/power/energy_record.h"
#include "bench/power/integrate.h"
#include "bench/power/meter_csv.h"
#include "bench/power/meter_source.h"
#include "bench/power/sampler.h"
#include "tests/power/temp_tree.h"

namespace eb::bench {
namespace {

using namespace std::chrono_literals;
using testing::TempTree;

TEST(MeterCsv, GoodLogWithHeaderCommentsAndBlankLines) {
  const MeterLog log = parse_meter_csv(
      "# USB meter, 10 Hz\n"
      "timestamp_s,watts\n"
      "\n"
      "10.0,2.5\n"
      " 10.1 , 2.75 \r\n"
      "10.1,3\n"  // an equal timestamp is allowed
      "10.3,0\n");
  EXPECT_TRUE(log.ok());
  ASSERT_EQ(log.samples.size(), 4u);
  EXPECT_EQ(log.samples[0], (PowerSample{10'000'000'000, 2.5}));
  EXPECT_EQ(log.samples[1], (PowerSample{10'100'000'000, 2.75}));
  EXPECT_EQ(log.samples[3], (PowerSample{10'300'000'000, 0.0}));
}

TEST(MeterCsv, HeaderIsOptionalAndOffsetMapsTheClock) {
  const MeterLog log = parse_meter_csv("1.5,4\n2.5,6\n", 1000);
  EXPECT_TRUE(log.ok());
  ASSERT_EQ(log.samples.size(), 2u);
  EXPECT_EQ(log.samples[0].t_ns, 1'500'001'000);
}

TEST(MeterCsv, EveryBadLineIsRejectedWithItsNumberAndReason) {
  const MeterLog log = parse_meter_csv(
      "timestamp_s,watts\n"  // 1
      "1.0,2.0\n"            // 2 good
      "1.1\n"                // 3 one field
      "1.2,2.0,7\n"          // 4 three fields
      "abc,2.0\n"            // 5 timestamp not a number
      "1.3,lots\n"           // 6 watts not a number
      "1.4,-0.5\n"           // 7 negative
      "0.9,2.0\n"            // 8 backwards (after 1.0)
      "1.5,nan\n"            // 9 not finite
      "1.6,3.0\n");          // 10 good
  ASSERT_EQ(log.samples.size(), 2u);
  ASSERT_EQ(log.rejected.size(), 7u);
  const std::vector<int> lines{3, 4, 5, 6, 7, 8, 9};
  for (std::size_t i = 0; i < lines.size(); ++i) EXPECT_EQ(log.rejected[i].line, lines[i]) << i;
  EXPECT_EQ(log.rejected[0].reason, "expected 2 (timestamp_s,watts) fields, got 1");
  EXPECT_EQ(log.rejected[1].reason, "expected 2 (timestamp_s,watts) fields, got 3");
  EXPECT_EQ(log.rejected[2].reason, "timestamp 'abc' is not a finite number");
  EXPECT_EQ(log.rejected[3].reason, "watts 'lots' is not a finite number");
  EXPECT_EQ(log.rejected[4].reason, "negative power -0.5 W");
  EXPECT_EQ(log.rejected[5].reason, "time goes backwards: 0.9 s after 1 s");
  EXPECT_EQ(log.rejected[6].reason, "watts 'nan' is not a finite number");
}

TEST(MeterCsv, AHalfNumericFirstLineIsNotAHeader) {
  const MeterLog log = parse_meter_csv("time,1.5\n1,2\n");
  ASSERT_EQ(log.rejected.size(), 1u);
  EXPECT_EQ(log.rejected[0].line, 1);
  EXPECT_EQ(log.samples.size(), 1u);
}

TEST(MeterCsv, AHeaderAfterDataIsABadLine) {
  const MeterLog log = parse_meter_csv("1,2\ntimestamp_s,watts\n");
  ASSERT_EQ(log.rejected.size(), 1u);
  EXPECT_EQ(log.rejected[0].line, 2);
}

TEST(MeterLine, StreamsMayCarryWattsAlone) {
  MeterLineParser p(/*time_required=*/false);
  EXPECT_EQ(p.parse("watts").kind, MeterLine::Kind::ignored);
  const MeterLine a = p.parse("3.5");
  ASSERT_EQ(a.kind, MeterLine::Kind::sample);
  EXPECT_FALSE(a.t_s.has_value());
  EXPECT_EQ(a.watts, 3.5);
  const MeterLine b = p.parse("7,4.0");
  ASSERT_EQ(b.kind, MeterLine::Kind::sample);
  EXPECT_EQ(*b.t_s, 7.0);
  const MeterLine c = p.parse("6,4.0");
  ASSERT_EQ(c.kind, MeterLine::Kind::error);
  EXPECT_EQ(c.error.line, 4);
}

std::string seconds_now_plus(double offset_s) {
  return std::to_string(static_cast<double>(power_clock_ns()) * 1e-9 + offset_s);
}

TEST(MeterLogSource, ReadsTheLogAtStopAndKeepsThePhaseWithNeighbours) {
  TempTree t;
  // 5 W from 10 s before now to 10 s after, one line per second, host-monotonic seconds.
  std::string text = "timestamp_s,watts\n";
  for (int i = -10; i <= 10; ++i) text += seconds_now_plus(i) + ",5\n";
  const auto path = t.write("meter.csv", text);
  PowerDiscovery d = discover_meter_log({path});
  ASSERT_EQ(d.sources.size(), 1u);
  EXPECT_TRUE(d.sources[0]->info().provenance.is_measured());
  PowerSampler sampler(std::move(d.sources), {.period = 1ms});
  sampler.start();
  const std::int64_t t0 = power_clock_ns();
  std::this_thread::sleep_for(20ms);
  const std::int64_t t1 = power_clock_ns();
  const PowerTrace trace = sampler.stop();
  const SourceTrace& s = trace.sources.at(0);
  EXPECT_TRUE(s.errors.empty());
  // The phase lies between two log lines: those two are kept (maybe one more at a boundary).
  EXPECT_GE(s.samples.size(), 2u);
  EXPECT_LE(s.samples.size(), 3u);
  EXPECT_NEAR(trapezoid_energy(s.samples, t0, t1), 5.0 * static_cast<double>(t1 - t0) * 1e-9, 1e-9);
}

TEST(MeterLogSource, ABadLineRejectsTheLog) {
  TempTree t;
  const auto path = t.write("meter.csv", seconds_now_plus(-1) + ",1\n" + "oops\n" + seconds_now_plus(5) + ",1\n");
  PowerDiscovery d = discover_meter_log({path});
  PowerSampler sampler(std::move(d.sources));
  sampler.start();
  const PowerTrace trace = sampler.stop();
  const SourceTrace& s = trace.sources.at(0);
  EXPECT_TRUE(s.samples.empty());
  ASSERT_EQ(s.errors.size(), 1u);
  EXPECT_NE(s.errors[0].find("line 2: expected 2"), std::string::npos) << s.errors[0];
}

TEST(MeterLogSource, MissingFileIsUnavailable) {
  TempTree t;
  const PowerDiscovery d = discover_meter_log({t / "absent.csv"});
  EXPECT_TRUE(d.sources.empty());
  ASSERT_EQ(d.unavailable.size(), 1u);
  EXPECT_EQ(d.unavailable[0].source, "meter");
}

TEST(MeterCommandSource, LinesAreTimestampedOnReceipt) {
  PowerDiscovery d = discover_meter_command({"while :; do echo 2.5; sleep 0.005; done"});
  ASSERT_EQ(d.sources.size(), 1u);
  PowerSampler sampler(std::move(d.sources));
  sampler.start();  // waits for the first line
  const std::int64_t t0 = power_clock_ns();
  std::this_thread::sleep_for(100ms);
  const std::int64_t t1 = power_clock_ns();
  const PowerTrace trace = sampler.stop();  // waits for one line after stop, then ends the command
  const SourceTrace& s = trace.sources.at(0);
  EXPECT_TRUE(s.errors.empty()) << (s.errors.empty() ? "" : s.errors[0]);
  EXPECT_GE(s.samples.size(), 5u);  // ~20 expected; loose, timing is not asserted
  ASSERT_FALSE(s.samples.empty());
  EXPECT_LE(s.samples.front().t_ns, t0);
  EXPECT_GE(s.samples.back().t_ns, t1);
  EXPECT_NEAR(trapezoid_energy(s.samples, t0, t1), 2.5 * static_cast<double>(t1 - t0) * 1e-9, 1e-9);
}

TEST(MeterCommandSource, BadLinesAndFailuresAreErrors) {
  PowerDiscovery d = discover_meter_command({"echo 1.0; echo -3; echo 2.0; exit 3"});
  PowerSampler sampler(std::move(d.sources), {.ready_timeout = 2s});
  sampler.start();
  std::this_thread::sleep_for(50ms);
  const PowerTrace trace = sampler.stop();
  const SourceTrace& s = trace.sources.at(0);
  EXPECT_EQ(s.samples.size(), 2u);
  ASSERT_EQ(s.errors.size(), 2u);
  EXPECT_EQ(s.errors[0], "meter command: line 2: negative power -3 W");
  EXPECT_EQ(s.errors[1], "meter command exited with status 3");
  // Strict: the record refuses to integrate a source with errors.
  const EnergyRecord rec = make_energy_record(trace, covered_window(trace), 1);
  ASSERT_EQ(rec.sources.size(), 1u);
  EXPECT_FALSE(rec.sources[0].gross_j.has_value());
  EXPECT_FALSE(rec.totals.has_value());
}

}  // namespace
}  // namespace eb::bench
