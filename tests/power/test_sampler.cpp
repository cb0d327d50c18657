// The sampler: threads started and stopped around a phase, samples at roughly the period
// (counts asserted loosely, never exact timing), errors, streamed sources.
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "bench/power/model_source.h"
#include "bench/power/sampler.h"
#include "tests/power/fake_source.h"

namespace eb::bench {
namespace {

using namespace std::chrono_literals;
using testing::FakeSource;

std::vector<std::unique_ptr<PowerSource>> one(std::unique_ptr<PowerSource> s) {
  std::vector<std::unique_ptr<PowerSource>> v;
  v.push_back(std::move(s));
  return v;
}

TEST(Sampler, CollectsSamplesAtRoughlyThePeriodAndCoversThePhase) {
  std::vector<std::unique_ptr<PowerSource>> sources;
  sources.push_back(std::make_unique<FakeSource>("w", PowerKind::power, 4.0));
  sources.push_back(std::make_unique<FakeSource>("j", PowerKind::counter, 0.0));
  PowerSampler sampler(std::move(sources), {.period = 2ms});
  sampler.start();
  const std::int64_t t0 = power_clock_ns();
  std::this_thread::sleep_for(100ms);
  const std::int64_t t1 = power_clock_ns();
  const PowerTrace trace = sampler.stop();

  EXPECT_EQ(trace.phase, PowerPhase::busy);
  EXPECT_EQ(trace.period, 2ms);
  EXPECT_LE(trace.start_ns, t0);
  EXPECT_GE(trace.stop_ns, t1);
  ASSERT_EQ(trace.sources.size(), 2u);
  for (const SourceTrace& s : trace.sources) {
    // ~51 expected; a loaded machine may miss some, never gain many.
    EXPECT_GE(s.samples.size(), 10u) << s.info.name;
    EXPECT_LE(s.samples.size(), 60u) << s.info.name;
    EXPECT_LE(s.samples.front().t_ns, t0);  // the start sample precedes the phase
    EXPECT_GE(s.samples.back().t_ns, t1);   // the stop sample follows it
    for (std::size_t i = 1; i < s.samples.size(); ++i) EXPECT_LE(s.samples[i - 1].t_ns, s.samples[i].t_ns);
    EXPECT_EQ(s.stats.reads, static_cast<std::int64_t>(s.samples.size()));
    EXPECT_EQ(s.stats.failed_reads, 0);
    EXPECT_GT(s.stats.thread_wall_ns, 90'000'000);
    EXPECT_GE(s.stats.thread_cpu_ns, 0);
    EXPECT_TRUE(s.errors.empty());
  }
  EXPECT_EQ(trace.sources[0].samples[3].value, 4.0);
}

TEST(Sampler, StartsAndStopsRepeatedly) {
  PowerSampler sampler(one(std::make_unique<FakeSource>("w", PowerKind::power, 1.0)), {.period = 1ms});
  for (int i = 0; i < 3; ++i) {
    sampler.start(i == 0 ? PowerPhase::idle : PowerPhase::busy);
    EXPECT_TRUE(sampler.running());
    std::this_thread::sleep_for(5ms);
    const PowerTrace t = sampler.stop();
    EXPECT_FALSE(sampler.running());
    EXPECT_EQ(t.phase, i == 0 ? PowerPhase::idle : PowerPhase::busy);
    EXPECT_GE(t.sources[0].samples.size(), 2u);
  }
}

TEST(Sampler, MisuseIsALogicError) {
  PowerSampler sampler(one(std::make_unique<FakeSource>("w", PowerKind::power, 1.0)));
  EXPECT_THROW(sampler.stop(), std::logic_error);
  sampler.start();
  EXPECT_THROW(sampler.start(), std::logic_error);
  sampler.stop();
  EXPECT_THROW(PowerSampler({}, {.period = 0ns}), std::invalid_argument);
}

TEST(Sampler, StopIsPromptEvenWithALongPeriod) {
  PowerSampler sampler(one(std::make_unique<FakeSource>("w", PowerKind::power, 1.0)), {.period = 10s});
  sampler.start();
  const auto before = std::chrono::steady_clock::now();
  const PowerTrace t = sampler.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before, 2s);
  EXPECT_EQ(t.sources[0].samples.size(), 2u);  // start and stop
}

TEST(Sampler, DestroyingARunningSamplerJoinsItsThreads) {
  auto source = std::make_unique<FakeSource>("w", PowerKind::power, 1.0);
  {
    PowerSampler sampler(one(std::move(source)), {.period = 1ms});
    sampler.start();
    std::this_thread::sleep_for(5ms);
  }  // no hang, no std::terminate
  SUCCEED();
}

TEST(Sampler, FailedReadsAreCountedAndKeptUpToALimit) {
  auto source = std::make_unique<FakeSource>("flaky", PowerKind::power, 2.0);
  source->fail_every = 2;
  PowerSampler sampler(one(std::move(source)), {.period = 1ms});
  sampler.start();
  std::this_thread::sleep_for(60ms);
  const PowerTrace t = sampler.stop();
  const SourceTrace& s = t.sources[0];
  EXPECT_GT(s.stats.failed_reads, 5);
  EXPECT_EQ(s.stats.reads, s.stats.failed_reads + static_cast<std::int64_t>(s.samples.size()));
  EXPECT_EQ(s.errors.size(), std::min<std::size_t>(PowerSink::kMaxErrors, s.stats.failed_reads));
  EXPECT_EQ(s.errors[0], "scripted failure");
}

TEST(Sampler, ModelSourceGivesThePhasesPowerAtStartAndStop) {
  PowerModel model{"test-model(idle=1W, busy=3W)", {{"idle_w", 1}, {"busy_w", 3}},
                   [](PowerPhase p) { return p == PowerPhase::idle ? 1.0 : 3.0; }};
  PowerDiscovery d = discover_model(model);
  ASSERT_EQ(d.sources.size(), 1u);
  EXPECT_EQ(d.sources[0]->info().provenance.base.kind, Provenance::Kind::modeled);
  PowerSampler sampler(std::move(d.sources));
  for (const PowerPhase phase : {PowerPhase::idle, PowerPhase::busy}) {
    sampler.start(phase);
    std::this_thread::sleep_for(5ms);
    const PowerTrace t = sampler.stop();
    const auto& s = t.sources[0].samples;
    ASSERT_EQ(s.size(), 2u);
    EXPECT_EQ(s[0].value, phase == PowerPhase::idle ? 1.0 : 3.0);
    EXPECT_EQ(s[1].value, s[0].value);
    EXPECT_EQ(t.sources[0].stats.reads, 0);  // streamed: no polling
  }
}

TEST(Sampler, ModelWithoutUsablePowerIsUnavailable) {
  EXPECT_EQ(discover_model(std::nullopt).unavailable.size(), 1u);
  const PowerDiscovery d = discover_model(PowerModel{"bad", {}, [](PowerPhase) { return -1.0; }});
  EXPECT_TRUE(d.sources.empty());
  EXPECT_EQ(d.unavailable.size(), 1u);
}

// A streamed source that never becomes ready: start() gives up after the timeout and the
// trace says so.
class NeverReady final : public PowerSource {
 public:
  NeverReady() : PowerSource(named("silent")) {}
  static PowerSourceInfo named(std::string name) {
    PowerSourceInfo info;
    info.name = std::move(name);
    return info;
  }
  bool polled() const override { return false; }
  void stream(PowerSink&, std::stop_token stop, PowerPhase) override {
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock lock(m);
    cv.wait(lock, stop, [] { return false; });
  }
};

TEST(Sampler, StartGivesUpOnASourceThatNeverBecomesReady) {
  PowerSampler sampler(one(std::make_unique<NeverReady>()), {.ready_timeout = 30ms});
  const auto before = std::chrono::steady_clock::now();
  sampler.start();
  EXPECT_LT(std::chrono::steady_clock::now() - before, 2s);
  const PowerTrace t = sampler.stop();
  ASSERT_EQ(t.sources[0].errors.size(), 1u);
  EXPECT_NE(t.sources[0].errors[0].find("no first sample"), std::string::npos);
}

}  // namespace
}  // namespace eb::bench
