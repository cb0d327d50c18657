// Gross, idle and net energy, the derived figures, their provenance, and the warnings —
// on hand-built traces with hand-computed answers.
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "bench/power/energy_record.h"
#include "tests/power/fake_source.h"
#include "tests/power/ns.h"

namespace eb::bench {
namespace {

using namespace std::chrono_literals;
using testing::kS;

SourceTrace trace_of(std::string name, PowerKind kind, std::vector<PowerSample> samples, bool measured = true) {
  SourceTrace s;
  s.info.name = name;
  s.info.kind = kind;
  s.info.provenance = measured ? PowerProvenance::measured(name, {{"path", "/fake/" + name}})
                               : PowerProvenance::modeled("edgetpu-power(busy=2W)", {{"busy_w", 2.0}});
  s.samples = std::move(samples);
  s.stats.reads = static_cast<std::int64_t>(s.samples.size());
  return s;
}

PowerTrace busy_trace() {
  PowerTrace t;
  t.start_ns = 0;
  t.stop_ns = 10 * kS;
  // A: a counter, 50 J over 10 s. B: 3 W flat.
  t.sources.push_back(trace_of("A", PowerKind::counter, {{0, 0}, {10 * kS, 50}}));
  t.sources.push_back(trace_of("B", PowerKind::power, {{0, 3}, {10 * kS, 3}}));
  return t;
}

IdleBaseline idle_of_ab() {
  PowerTrace t;
  t.start_ns = 0;
  t.stop_ns = 5 * kS;
  t.sources.push_back(trace_of("A", PowerKind::counter, {{0, 100}, {5 * kS, 110}}));  // 2 W
  t.sources.push_back(trace_of("B", PowerKind::power, {{0, 1}, {5 * kS, 1}}));        // 1 W
  return idle_baseline(t);
}

TEST(IdleBaseline, MeanPowerPerSource) {
  const IdleBaseline idle = idle_of_ab();
  EXPECT_DOUBLE_EQ(idle.seconds, 5.0);
  ASSERT_EQ(idle.sources.size(), 2u);
  ASSERT_TRUE(idle.find("A")->mean_w.has_value());
  EXPECT_DOUBLE_EQ(*idle.find("A")->mean_w, 2.0);
  EXPECT_DOUBLE_EQ(*idle.find("B")->mean_w, 1.0);
  EXPECT_TRUE(idle.warnings.empty());
}

// A meter log with samples on both sides of the idle window, power ramping 1 W per second:
// the mean is over the window (2.5 s to 6.5 s: 4.5 W), not over the samples' span (5 W).
TEST(IdleBaseline, MeanIsOverTheIdleWindow) {
  PowerTrace t;
  t.start_ns = 2 * kS + kS / 2;
  t.stop_ns = 6 * kS + kS / 2;
  std::vector<PowerSample> ramp;
  for (int i = 0; i <= 10; ++i) ramp.push_back({i * kS, static_cast<double>(i)});
  t.sources.push_back(trace_of("M", PowerKind::power, ramp));
  const IdleBaseline idle = idle_baseline(t);
  ASSERT_TRUE(idle.find("M")->mean_w.has_value());
  EXPECT_NEAR(*idle.find("M")->mean_w, 4.5, 1e-12);
  EXPECT_NEAR(idle.find("M")->seconds, 4.0, 1e-12);
}

TEST(EnergyRecord, GrossIdleNetAndDerivedFigures) {
  const IdleBaseline idle = idle_of_ab();
  const EnergyRecord r = make_energy_record(busy_trace(), {0, 10 * kS}, 100, &idle);
  ASSERT_EQ(r.sources.size(), 2u);
  EXPECT_DOUBLE_EQ(*r.sources[0].gross_j, 50.0);
  EXPECT_DOUBLE_EQ(*r.sources[0].idle_w, 2.0);
  EXPECT_DOUBLE_EQ(*r.sources[0].idle_j, 20.0);
  EXPECT_DOUBLE_EQ(*r.sources[0].net_j, 30.0);
  EXPECT_EQ(r.sources[0].method, "counter difference");
  EXPECT_DOUBLE_EQ(*r.sources[1].gross_j, 30.0);
  EXPECT_DOUBLE_EQ(*r.sources[1].net_j, 20.0);
  EXPECT_EQ(r.sources[1].method, "trapezoids");

  ASSERT_TRUE(r.totals.has_value());
  const EnergyTotals& t = *r.totals;
  EXPECT_DOUBLE_EQ(t.gross_j.value, 80.0);
  EXPECT_EQ(t.gross_j.unit, "J");
  EXPECT_DOUBLE_EQ(t.mean_w.value, 8.0);
  EXPECT_DOUBLE_EQ(t.idle_j->value, 30.0);
  EXPECT_DOUBLE_EQ(t.idle_mean_w->value, 3.0);
  EXPECT_DOUBLE_EQ(t.net_j->value, 50.0);
  EXPECT_DOUBLE_EQ(t.net_mean_w->value, 5.0);
  EXPECT_DOUBLE_EQ(t.gross_mj_per_inference->value, 800.0);
  EXPECT_DOUBLE_EQ(t.net_mj_per_inference->value, 500.0);
  EXPECT_DOUBLE_EQ(t.inferences_per_gross_j->value, 1.25);
  EXPECT_DOUBLE_EQ(t.inferences_per_net_j->value, 2.0);
  EXPECT_EQ(t.net_mj_per_inference->unit, "mJ/inference");

  EXPECT_TRUE(t.gross_j.provenance.is_measured());
  EXPECT_EQ(t.gross_j.provenance.base.source, "A + B");
  EXPECT_EQ(t.net_j->provenance, t.gross_j.provenance);
  EXPECT_TRUE(r.warnings.empty()) << r.warnings.front();
}

TEST(EnergyRecord, WithoutBaselineOnlyGrossFigures) {
  const EnergyRecord r = make_energy_record(busy_trace(), {0, 10 * kS}, 0, nullptr);
  ASSERT_TRUE(r.totals.has_value());
  EXPECT_DOUBLE_EQ(r.totals->gross_j.value, 80.0);
  EXPECT_FALSE(r.totals->net_j.has_value());
  EXPECT_FALSE(r.totals->gross_mj_per_inference.has_value());  // no inferences given
  EXPECT_FALSE(r.sources[0].net_j.has_value());
}

TEST(EnergyRecord, SubWindowIsClipped) {
  const EnergyRecord r = make_energy_record(busy_trace(), {2 * kS, 4 * kS}, 10, nullptr);
  EXPECT_DOUBLE_EQ(*r.sources[0].gross_j, 10.0);
  EXPECT_DOUBLE_EQ(*r.sources[1].gross_j, 6.0);
  EXPECT_DOUBLE_EQ(r.totals->gross_j.value, 16.0);
}

TEST(EnergyRecord, AModelInTheTotalMakesTheTotalModeled) {
  PowerTrace t = busy_trace();
  t.sources.push_back(trace_of("model", PowerKind::power, {{0, 2}, {10 * kS, 2}}, /*measured=*/false));
  const EnergyRecord r = make_energy_record(t, {0, 10 * kS}, 100, nullptr);
  ASSERT_TRUE(r.totals.has_value());
  EXPECT_DOUBLE_EQ(r.totals->gross_j.value, 100.0);
  // The sensors' own figures stay measured; anything including the model is modeled.
  EXPECT_TRUE(r.sources[0].provenance.is_measured());
  EXPECT_FALSE(r.sources[2].provenance.is_measured());
  for (const EnergyFigure* f : {&r.totals->gross_j, &r.totals->mean_w, &*r.totals->gross_mj_per_inference,
                                &*r.totals->inferences_per_gross_j}) {
    EXPECT_EQ(f->provenance.base.kind, Provenance::Kind::modeled);
    EXPECT_EQ(f->provenance.base.source, "A + B + edgetpu-power(busy=2W)");
    EXPECT_EQ(f->provenance.parameters["edgetpu-power(busy=2W)"]["kind"], "modeled");
    EXPECT_EQ(f->provenance.parameters["edgetpu-power(busy=2W)"]["busy_w"], 2.0);
    EXPECT_EQ(f->provenance.parameters["A"]["kind"], "measured");
  }
}

TEST(EnergyRecord, ModelAloneIsModeledThroughNet) {
  PowerTrace busy;
  busy.sources.push_back(trace_of("model", PowerKind::power, {{0, 2}, {10 * kS, 2}}, false));
  PowerTrace idle_t;
  idle_t.stop_ns = kS;
  idle_t.sources.push_back(trace_of("model", PowerKind::power, {{0, 0.5}, {kS, 0.5}}, false));
  const IdleBaseline idle = idle_baseline(idle_t);
  const EnergyRecord r = make_energy_record(busy, {0, 10 * kS}, 20, &idle);
  ASSERT_TRUE(r.totals && r.totals->net_j);
  EXPECT_DOUBLE_EQ(r.totals->net_j->value, 15.0);
  EXPECT_DOUBLE_EQ(r.totals->net_mj_per_inference->value, 750.0);
  EXPECT_EQ(r.totals->net_j->provenance.base.kind, Provenance::Kind::modeled);
  EXPECT_EQ(r.totals->net_mj_per_inference->provenance.base.kind, Provenance::Kind::modeled);
}

TEST(EnergyRecord, ChannelsInsideAnotherAreNotCounted) {
  PowerTrace t = busy_trace();
  t.sources[1].info.in_total = false;  // B is a rail inside A
  const EnergyRecord r = make_energy_record(t, {0, 10 * kS}, 1, nullptr);
  EXPECT_DOUBLE_EQ(*r.sources[1].gross_j, 30.0);  // still reported on its own
  EXPECT_DOUBLE_EQ(r.totals->gross_j.value, 50.0);
  EXPECT_EQ(r.totals->gross_j.provenance.base.source, "A");
}

TEST(EnergyRecord, NoTotalWhenACountedSourceFails) {
  PowerTrace t = busy_trace();
  t.sources[1].samples = {{0, 3}, {5 * kS, 3}};  // ends before the window
  const EnergyRecord r = make_energy_record(t, {0, 10 * kS}, 1, nullptr);
  EXPECT_TRUE(r.sources[0].gross_j.has_value());
  EXPECT_FALSE(r.sources[1].gross_j.has_value());
  EXPECT_NE(r.sources[1].error.find("does not contain the window"), std::string::npos) << r.sources[1].error;
  EXPECT_FALSE(r.totals.has_value());
  EXPECT_TRUE(std::any_of(r.warnings.begin(), r.warnings.end(),
                          [](const std::string& w) { return w == "no total: B could not be integrated"; }));
}

TEST(EnergyRecord, WarnsWhenTheWindowIsShorterThanTenUpdates) {
  PowerTrace t = busy_trace();
  t.sources[0].info.update_period = 2s;  // 10 s window < 10 × 2 s
  const EnergyRecord r = make_energy_record(t, {0, 10 * kS}, 1, nullptr);
  ASSERT_EQ(r.sources[0].warnings.size(), 1u);
  EXPECT_NE(r.sources[0].warnings[0].find("shorter than 10 update periods"), std::string::npos);
  EXPECT_FALSE(r.sources[0].update_period_estimated);
  EXPECT_TRUE(r.sources[1].warnings.empty());
  EXPECT_EQ(r.warnings.size(), 1u);
}

TEST(EnergyRecord, EstimatedUpdatePeriodAlsoWarns) {
  PowerTrace t;
  std::vector<PowerSample> s;  // sampled every 10 ms, changes every 100 ms
  for (int i = 0; i <= 50; ++i) s.push_back({i * 10'000'000LL, 1.0 + (i / 10)});
  t.sources.push_back(trace_of("slow", PowerKind::power, s));
  const EnergyRecord r = make_energy_record(t, {0, 500'000'000}, 1, nullptr);
  ASSERT_TRUE(r.sources[0].update_period_estimated);
  EXPECT_EQ(*r.sources[0].update_period, 100ms);
  ASSERT_EQ(r.sources[0].warnings.size(), 1u);  // 0.5 s < 10 × 100 ms
}

TEST(EnergyRecord, NegativeNetIsKeptAndWarned) {
  PowerTrace idle_t;
  idle_t.stop_ns = kS;
  idle_t.sources.push_back(trace_of("B", PowerKind::power, {{0, 4}, {kS, 4}}));
  const IdleBaseline idle = idle_baseline(idle_t);
  PowerTrace busy;
  busy.sources.push_back(trace_of("B", PowerKind::power, {{0, 3}, {kS, 3}}));
  const EnergyRecord r = make_energy_record(busy, {0, kS}, 10, &idle);
  EXPECT_DOUBLE_EQ(r.totals->net_j->value, -1.0);
  EXPECT_FALSE(r.totals->inferences_per_net_j.has_value());  // meaningless when net <= 0
  EXPECT_GE(r.warnings.size(), 2u);
}

TEST(EnergyRecord, OccasionalFailedReadsAreAWarning) {
  PowerTrace t = busy_trace();
  t.sources[1].stats.reads = 10;
  t.sources[1].stats.failed_reads = 1;
  t.sources[1].errors = {"EIO"};
  const EnergyRecord r = make_energy_record(t, {0, 10 * kS}, 1, nullptr);
  EXPECT_TRUE(r.sources[1].gross_j.has_value());
  ASSERT_EQ(r.sources[1].warnings.size(), 1u);
  EXPECT_EQ(r.sources[1].warnings[0], "1 of 10 reads failed: EIO");
}

TEST(Combine, MeasuredOnlyWhenEveryInputIs) {
  const auto a = PowerProvenance::measured("rapl:package-0", {{"path", "x"}});
  const auto b = PowerProvenance::measured("nvml:0");
  const auto m = PowerProvenance::modeled("tdp-linear(tdp=65W)", {{"tdp_w", 65}});
  EXPECT_EQ(combine({a}), a);
  EXPECT_EQ(combine({a, a}), a);
  const auto ab = combine({a, b});
  EXPECT_TRUE(ab.is_measured());
  EXPECT_EQ(ab.base.source, "rapl:package-0 + nvml:0");
  const auto am = combine({a, m});
  EXPECT_EQ(am.base.kind, Provenance::Kind::modeled);
  EXPECT_EQ(am.parameters["tdp-linear(tdp=65W)"]["tdp_w"], 65);
  EXPECT_EQ(combine({m}).base.kind, Provenance::Kind::modeled);
  EXPECT_THROW(combine({}), std::invalid_argument);
}

TEST(IdleBaseline, MeasuredWithTheSampler) {
  std::vector<std::unique_ptr<PowerSource>> sources;
  sources.push_back(std::make_unique<testing::FakeSource>("flat", PowerKind::power, 7.0));
  PowerSampler sampler(std::move(sources), {.period = 1ms});
  // As a job takes it (bench/job.cpp): the sampler in the idle phase, nothing running.
  sampler.start(PowerPhase::idle);
  std::this_thread::sleep_for(30ms);
  const IdleBaseline idle = idle_baseline(sampler.stop());
  ASSERT_EQ(idle.sources.size(), 1u);
  ASSERT_TRUE(idle.sources[0].mean_w.has_value()) << idle.sources[0].error;
  EXPECT_NEAR(*idle.sources[0].mean_w, 7.0, 1e-9);
  EXPECT_GE(idle.seconds, 0.03);
  EXPECT_FALSE(sampler.running());
}

}  // namespace
}  // namespace eb::bench
