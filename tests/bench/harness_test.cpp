// The measurement harness: stop rules, warm-up parsing, early-stopping arithmetic, seeded
// sample order, the timed phase on a fake executable (counts, interrupts, profiles),
// validity reasons, progress formatting and the Ctrl-C guard.
#include <gtest/gtest.h>

#include <csignal>
#include <map>

#include "bench/interrupt.h"
#include "bench/latency_stats.h"
#include "bench/power/energy_record.h"
#include "bench/progress.h"
#include "bench/result_record.h"
#include "bench/runner.h"
#include "bench/scenario.h"
#include "bench/validity.h"

namespace eb::bench {
namespace {

using namespace std::chrono_literals;

TEST(StopRule, NeedsBothMinimumsAndStopsAtAMaximum) {
  StopRule r;
  r.min_duration = 2s;
  r.min_queries = 20;
  EXPECT_EQ(r.check(19, 5s), StopRule::Verdict::go_on);
  EXPECT_EQ(r.check(500, 1s), StopRule::Verdict::go_on);
  EXPECT_EQ(r.check(20, 2s), StopRule::Verdict::minimums_met);
  r.max_queries = 30;
  EXPECT_EQ(r.check(30, 1s), StopRule::Verdict::max_queries);
  r.max_duration = 3s;
  EXPECT_EQ(r.check(15, 3s), StopRule::Verdict::max_duration);
  // Minimums met exactly at a maximum: a complete phase.
  EXPECT_EQ(r.check(30, 3s), StopRule::Verdict::minimums_met);
}

TEST(StopRule, FixedIsExactlyNQueries) {
  const StopRule r = StopRule::fixed(2);
  EXPECT_EQ(r.check(0, 0ns), StopRule::Verdict::go_on);
  EXPECT_EQ(r.check(1, 100s), StopRule::Verdict::go_on);
  EXPECT_EQ(r.check(2, 0ns), StopRule::Verdict::minimums_met);
  EXPECT_NO_THROW(r.validate());
}

TEST(StopRule, RejectsImpossibleRules) {
  StopRule r;
  r.min_queries = 0;
  EXPECT_THROW(r.validate(), std::invalid_argument);
  r = StopRule{};
  r.max_queries = 10;  // below min 100
  EXPECT_THROW(r.validate(), std::invalid_argument);
  r = StopRule{};
  r.max_duration = 1s;  // below min 10 s
  EXPECT_THROW(r.validate(), std::invalid_argument);
}

TEST(Warmup, CountOrDuration) {
  EXPECT_EQ(parse_warmup("5").kind, WarmupSpec::Kind::count);
  EXPECT_EQ(parse_warmup("5").count, 5);
  EXPECT_EQ(parse_warmup("0").count, 0);
  const WarmupSpec d = parse_warmup("500ms");
  EXPECT_EQ(d.kind, WarmupSpec::Kind::duration);
  EXPECT_EQ(d.duration, 500ms);
  EXPECT_EQ(parse_warmup("2s").duration, 2s);
  EXPECT_THROW(parse_warmup("-1"), std::invalid_argument);
  EXPECT_THROW(parse_warmup("many"), std::invalid_argument);
  EXPECT_THROW(parse_warmup("5x"), std::invalid_argument);
  EXPECT_TRUE(d.done(0, 500ms));
  EXPECT_FALSE(d.done(1000, 499ms));
}

TEST(Scenario, Names) {
  EXPECT_EQ(parse_scenario("offline"), Scenario::offline);
  EXPECT_EQ(scenario_name(parse_scenario("single-stream")), "single-stream");
  EXPECT_THROW(parse_scenario("server"), std::invalid_argument);
}

// Ranks checked against an exact rational computation of the binomial CDF (Python
// fractions): the smallest k with P(Binomial(n, 0.9) <= k - 1) >= 0.99.
TEST(EarlyStopping, ExactBinomialRanks) {
  EXPECT_EQ(percentile_upper_bound_rank(43, 90, 0.99), std::nullopt);  // 1 − 0.9^43 = 0.989 < 0.99
  EXPECT_EQ(percentile_upper_bound_rank(44, 90, 0.99), 44u);           // 1 − 0.9^44 = 0.9903
  EXPECT_EQ(percentile_upper_bound_rank(100, 90, 0.99), 97u);
  EXPECT_EQ(percentile_upper_bound_rank(1000, 90, 0.99), 922u);
  EXPECT_EQ(percentile_upper_bound_rank(2000, 90, 0.99), 1832u);
  EXPECT_EQ(percentile_upper_bound_rank(0, 90, 0.99), std::nullopt);
  EXPECT_THROW(percentile_upper_bound_rank(10, 100, 0.99), std::invalid_argument);
  EXPECT_THROW(percentile_upper_bound_rank(10, 90, 1.0), std::invalid_argument);
}

TEST(EarlyStopping, NormalApproximationAgreesForLargeN) {
  // ceil(n·0.9 + 2.3263·sqrt(n·0.09) + 0.5)
  EXPECT_EQ(percentile_upper_bound_rank_normal(1000, 90, 0.99), 923u);
  EXPECT_EQ(percentile_upper_bound_rank_normal(10000, 90, 0.99), 9071u);
  EXPECT_EQ(percentile_upper_bound_rank(200000, 90, 0.99), 180313u);  // above the exact limit: normal
  const auto exact = *percentile_upper_bound_rank(kExactBinomialLimit, 90, 0.99);
  const auto approx = *percentile_upper_bound_rank_normal(kExactBinomialLimit, 90, 0.99);
  EXPECT_LE(exact > approx ? exact - approx : approx - exact, 2u);
}

TEST(EarlyStopping, StatsCarryTheBound) {
  std::vector<double> v(100);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>(100 - i);  // 1..100 reversed
  const LatencyStats s = compute_latency_stats(std::span<const double>(v));
  EXPECT_EQ(s.p90_ns, 90);
  ASSERT_TRUE(s.p90_upper_99_ns.has_value());
  EXPECT_EQ(*s.p90_upper_99_rank, 97u);
  EXPECT_EQ(*s.p90_upper_99_ns, 97);
  const LatencyStats few = compute_latency_stats(std::span<const double>(v.data(), 10));
  EXPECT_FALSE(few.p90_upper_99_ns.has_value());
}

TEST(SampleOrder, SeededBalancedAndRepeatable) {
  SampleOrder a(5, 42), b(5, 42), c(5, 43);
  std::vector<std::uint32_t> sa, sb, sc;
  for (int i = 0; i < 50; ++i) {
    sa.push_back(a.next());
    sb.push_back(b.next());
    sc.push_back(c.next());
  }
  EXPECT_EQ(sa, sb);
  EXPECT_NE(sa, sc);
  std::map<std::uint32_t, int> counts;
  for (auto s : sa) ++counts[s];
  ASSERT_EQ(counts.size(), 5u);
  for (const auto& [sample, n] : counts) EXPECT_EQ(n, 10) << sample;
  EXPECT_THROW(SampleOrder(0, 1), std::invalid_argument);
}

// An executable that returns its input's first value and counts its runs; it can raise a
// flag after a number of runs (as Ctrl-C would), and reports a per-node profile.
class FakeExecutable final : public Executable {
 public:
  std::vector<Tensor> run(std::span<const Tensor> inputs) override {
    ++runs;
    if (interrupt_after > 0 && runs >= interrupt_after && flag) flag->store(true);
    seen.push_back(inputs[0].data<float>()[0]);
    Tensor out(DType::f32, {1});
    out.data<float>()[0] = inputs[0].data<float>()[0] + 1;
    return {out};
  }
  void enable_profiling(bool on) override { profiling = on; }
  std::vector<NodeProfile> last_profile() const override {
    if (!profiling) return {};
    return {{"conv", "conv2d", 300, Provenance::measured("steady_clock")},
            {"fc", "linear", 100, Provenance::measured("steady_clock")}};
  }
  int runs = 0;
  int interrupt_after = 0;
  std::atomic<bool>* flag = nullptr;
  bool profiling = false;
  std::vector<float> seen;
};

SamplePool pool_of(int n) {
  SamplePool p;
  for (int i = 0; i < n; ++i) {
    Tensor t(DType::f32, {1});
    t.data<float>()[0] = static_cast<float>(10 * i);
    p.samples.push_back({t});
    p.seeds.push_back(static_cast<std::uint64_t>(i));
  }
  return p;
}

TEST(TimedPhase, FixedCountsRunExactly) {
  FakeExecutable exe;
  const SamplePool pool = pool_of(3);
  MeasureSettings m = MeasureSettings::fixed(2, 7);
  const Timings t = measure(exe, pool, m);
  EXPECT_EQ(exe.runs, 1 + 2 + 7);
  EXPECT_EQ(t.warmup_queries, 2);
  ASSERT_EQ(t.samples_ns.size(), 7u);
  ASSERT_EQ(t.sample_indices.size(), 7u);
  EXPECT_EQ(t.stop, StopRule::Verdict::minimums_met);
  EXPECT_FALSE(t.interrupted);
  EXPECT_EQ(exe.seen.front(), 0.f);  // first inference on sample 0
  // Timed queries ran the samples the order says.
  for (std::size_t i = 0; i < 7; ++i) EXPECT_EQ(exe.seen[3 + i], 10.f * static_cast<float>(t.sample_indices[i]));
  EXPECT_GT(t.phase_ns, 0);
  const Validity v = judge_validity(t, m, {}, PartitionPlan{});
  EXPECT_TRUE(v.valid) << (v.reasons.empty() ? "" : v.reasons.front());
}

TEST(TimedPhase, MaximumBeforeMinimumsIsTooFewQueries) {
  FakeExecutable exe;
  const SamplePool pool = pool_of(2);
  MeasureSettings m;
  m.warmup = WarmupSpec::queries(0);
  m.stop.min_queries = 5;
  m.stop.min_duration = 1000s;  // cannot be met
  m.stop.max_queries = 5;
  const Timings t = measure(exe, pool, m);
  EXPECT_EQ(t.samples_ns.size(), 5u);
  EXPECT_EQ(t.stop, StopRule::Verdict::max_queries);
  const Validity v = judge_validity(t, m, {}, PartitionPlan{});
  EXPECT_FALSE(v.valid);
  ASSERT_FALSE(v.reasons.empty());
  EXPECT_EQ(v.reasons.front().rfind("too few queries", 0), 0u) << v.reasons.front();
}

TEST(TimedPhase, InterruptEndsThePhaseAndIsTheFirstReason) {
  std::atomic<bool> flag{false};
  FakeExecutable exe;
  exe.flag = &flag;
  exe.interrupt_after = 1 + 1 + 4;  // first inference, one warm-up, four timed
  const SamplePool pool = pool_of(2);
  MeasureSettings m = MeasureSettings::fixed(1, 1000);
  const Timings t = measure(exe, pool, m, &flag);
  EXPECT_TRUE(t.interrupted);
  EXPECT_EQ(t.samples_ns.size(), 4u);
  const Validity v = judge_validity(t, m, {}, PartitionPlan{});
  EXPECT_FALSE(v.valid);
  ASSERT_FALSE(v.reasons.empty());
  EXPECT_EQ(v.reasons.front(), kInterruptedReason);
}

TEST(TimedPhase, DurationWarmupAndProgressSnapshots) {
  FakeExecutable exe;
  const SamplePool pool = pool_of(1);
  MeasureSettings m = MeasureSettings::fixed(0, 50);
  m.warmup = WarmupSpec::lasting(1ms);
  m.progress_interval = 0ns;  // a snapshot after every query
  std::vector<ProgressSnapshot> snaps;
  const Timings t = measure(exe, pool, m, nullptr, [&](const ProgressSnapshot& s) { snaps.push_back(s); });
  EXPECT_GE(t.warmup_queries, 1);
  EXPECT_GE(t.warmup_ns, 1'000'000);
  ASSERT_EQ(snaps.size(), 50u);
  EXPECT_EQ(snaps.back().queries, 50);
  // The snapshot's p50 is the nearest-rank median of the samples so far.
  std::vector<std::int64_t> sorted(t.samples_ns);
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(snaps.back().p50_ns, static_cast<double>(sorted[24]));
}

TEST(TimedPhase, FixedCountsOnOneSample) {
  FakeExecutable exe;
  Tensor in(DType::f32, {1});
  in.data<float>()[0] = 1;
  const Timings t = measure(exe, SamplePool::single({in}), MeasureSettings::fixed(3, 4));
  EXPECT_EQ(exe.runs, 8);  // first inference, 3 warm-up, 4 timed
  EXPECT_EQ(t.warmup_queries, 3);
  EXPECT_EQ(t.samples_ns.size(), 4u);
  ASSERT_EQ(t.last_outputs.size(), 1u);  // a one-sample pool: every query is sample 0
  EXPECT_THROW(measure(exe, SamplePool::single({in}), MeasureSettings::fixed(0, 0)), std::invalid_argument);
  EXPECT_THROW(measure(exe, SamplePool::single({in}), MeasureSettings::fixed(-1, 2)), std::invalid_argument);
}

TEST(Profile, MeanPerNodeAndShares) {
  FakeExecutable exe;
  const auto entries = profile_nodes(exe, pool_of(1), 4);
  EXPECT_EQ(exe.runs, 4);
  EXPECT_FALSE(exe.profiling);  // switched off again
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].node.node, "conv");
  EXPECT_DOUBLE_EQ(entries[0].node.ns, 300);
  EXPECT_DOUBLE_EQ(entries[0].share, 0.75);
  EXPECT_DOUBLE_EQ(entries[1].share, 0.25);
}

TEST(Validity, HighCvIsWarnedNotInvalid) {
  Timings t;
  t.samples_ns = {100, 100, 100, 200};
  t.sample_indices = {0, 0, 0, 0};
  const Validity v = judge_validity(t, MeasureSettings::fixed(0, 4), {}, PartitionPlan{});
  EXPECT_TRUE(v.valid);
  ASSERT_EQ(v.warnings.size(), 1u);
  EXPECT_NE(v.warnings[0].find("coefficient of variation"), std::string::npos);
}

TEST(Validity, PowerWindowTooShort) {
  EnergyRecord e;
  e.window = {0, 50'000'000};  // 50 ms
  SourceEnergy s;
  s.name = "rapl:package-0";
  s.update_period = std::chrono::milliseconds(10);  // 10 periods = 100 ms
  e.sources.push_back(s);
  Validity v;
  judge_energy(v, e);
  EXPECT_FALSE(v.valid);
  ASSERT_EQ(v.reasons.size(), 1u);
  EXPECT_EQ(v.reasons[0].rfind("power window too short", 0), 0u);
  e.window = {0, 100'000'000};
  Validity ok;
  judge_energy(ok, e);
  EXPECT_TRUE(ok.valid);
}

TEST(Progress, FormatAndPlainLines) {
  EXPECT_EQ(ProgressLine::format("reference", {42, 12300ms, 251.2e6}), "[reference] 42 queries, 12.3 s, p50 251.20 ms");
  EXPECT_EQ(format_duration_ns(812.3e3), "812.3 us");
  char* buf = nullptr;
  std::size_t size = 0;
  std::FILE* f = open_memstream(&buf, &size);
  {
    ProgressLine line(f, false, 2s);
    line.update("cpu", {5, 500ms, 1e6});   // under a second: silent
    line.update("cpu", {10, 1500ms, 1e6});  // first line
    line.update("cpu", {11, 2000ms, 1e6});  // within the plain interval: skipped
    line.update("cpu", {20, 3600ms, 1e6});  // second line
    EXPECT_EQ(line.lines_written(), 2);
  }
  std::fclose(f);
  const std::string text(buf, size);
  std::free(buf);
  EXPECT_EQ(text, "[cpu] 10 queries, 1.5 s, p50 1.00 ms\n[cpu] 20 queries, 3.6 s, p50 1.00 ms\n");
}

TEST(Progress, TerminalRewritesOneLine) {
  char* buf = nullptr;
  std::size_t size = 0;
  std::FILE* f = open_memstream(&buf, &size);
  {
    ProgressLine line(f, true);
    line.update("gpu", {3, 1100ms, 2e6});
    line.update("gpu", {4, 1200ms, 2e6});
    line.finish();
  }
  std::fclose(f);
  const std::string text(buf, size);
  std::free(buf);
  EXPECT_EQ(text, "\r[gpu] 3 queries, 1.1 s, p50 2.00 ms\x1b[K\r[gpu] 4 queries, 1.2 s, p50 2.00 ms\x1b[K\n");
}

TEST(Interrupt, SigintSetsTheFlagOnceThenTheGuardRestores) {
  {
    InterruptGuard guard;
    EXPECT_FALSE(guard.requested());
    EXPECT_THROW(InterruptGuard{}, std::logic_error);
    std::raise(SIGINT);  // handled: the process goes on
    EXPECT_TRUE(guard.requested());
    EXPECT_TRUE(InterruptGuard::flag().load());
  }
  EXPECT_FALSE(InterruptGuard::flag().load());
  struct sigaction now {};
  sigaction(SIGINT, nullptr, &now);
  EXPECT_EQ(now.sa_handler, SIG_DFL);
}

TEST(Offline, SamplesPerSecondOverThePhaseAndFileName) {
  Timings t;
  t.samples_ns = {100'000'000, 100'000'000, 200'000'000, 100'000'000};
  t.sample_indices = {0, 1, 0, 1};
  t.phase_ns = 500'000'000;  // the phase includes the harness's gaps between queries
  const TimingFacts f = make_timing_facts(CompiledModel{}, t, 8);
  EXPECT_DOUBLE_EQ(f.samples_per_s, 4 * 8 / 0.5);
  ASSERT_TRUE(f.stats.has_value());
  EXPECT_DOUBLE_EQ(f.throughput_per_s, 8 * 1e9 / 125'000'000.0);

  ResultRecord r;
  r.workload.model = "m";
  r.backend.name = "cpu";
  r.scenario.settings.scenario = Scenario::offline;
  EXPECT_EQ(result_file_name(r), "m-cpu-fp32-offline.json");
  r.scenario.settings.scenario = Scenario::single_stream;
  EXPECT_EQ(result_file_name(r), "m-cpu-fp32.json");
}

TEST(Record, NoTimedQueryGivesNullStats) {
  Timings t;
  t.interrupted = true;
  const TimingFacts f = make_timing_facts(CompiledModel{}, t, 1);
  EXPECT_FALSE(f.stats.has_value());
  ResultRecord r;
  r.timing = f;
  const auto j = to_json(r);
  EXPECT_TRUE(j["timing"]["stats"].is_null());
  const Validity v = judge_validity(t, MeasureSettings::fixed(0, 5), {}, PartitionPlan{});
  ASSERT_GE(v.reasons.size(), 2u);
  EXPECT_EQ(v.reasons[0], "interrupted");
  EXPECT_EQ(v.reasons[1].rfind("too few queries", 0), 0u);
}

}  // namespace
}  // namespace eb::bench
