// The host's share of a device's system time (bench/host_share.h, DeviceTime::host_ns): a
// workload's post-processing is run and timed after every run (added to the device time when there is one), the
// record keeps device, host and their sum apart, and the modeled watts follow the split.
#include <gtest/gtest.h>

#include <thread>

#include "bench/host_share.h"
#include "bench/result_record.h"
#include "bench/runner.h"

namespace eb::bench {
namespace {

constexpr double kDeviceNs = 2e6;

// A simulated device: a fixed modeled time and power.
class ModeledDevice final : public Executable {
 public:
  explicit ModeledDevice(bool has_time) : has_time_(has_time) {}
  std::vector<Tensor> run(std::span<const Tensor> inputs) override { return {inputs.begin(), inputs.end()}; }
  std::optional<DeviceTime> last_device_time() const override {
    if (!has_time_) return std::nullopt;
    return DeviceTime{kDeviceNs, Provenance::modeled("toy-model"), 0, ""};
  }
  std::optional<PowerModelInfo> power_model() const override { return PowerModelInfo{"toy-model", {}, 1.0}; }
  std::optional<double> last_modeled_watts() const override { return 3.0; }

 private:
  bool has_time_;
};

// A workload whose post-processing takes a known minimum time and counts its calls.
class SlowPostprocess final : public Workload {
 public:
  std::string_view name() const override { return "toy"; }
  std::string_view description() const override { return "toy"; }
  Graph build(const WorkloadOptions&) const override { return {}; }
  Weights make_weights(const Graph&, std::uint64_t) const override { return {}; }
  std::vector<Tensor> make_inputs(const Graph&, std::uint64_t) const override { return {}; }
  bool has_host_postprocess() const override { return true; }
  void host_postprocess(const Graph&, std::span<const Tensor>) const override {
    ++calls;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  mutable int calls = 0;
};

class NoPostprocess final : public Workload {
 public:
  std::string_view name() const override { return "plain"; }
  std::string_view description() const override { return "plain"; }
  Graph build(const WorkloadOptions&) const override { return {}; }
  Weights make_weights(const Graph&, std::uint64_t) const override { return {}; }
  std::vector<Tensor> make_inputs(const Graph&, std::uint64_t) const override { return {}; }
};

SamplePool one_sample() {
  SamplePool p;
  p.samples.push_back({Tensor::from_f32({1}, {1.0f})});
  p.seeds.push_back(0);
  return p;
}

TEST(HostShare, PostprocessIsTimedAndAddedAsMeasuredHostTime) {
  const SlowPostprocess w;
  const Graph g;
  auto exe = with_host_postprocess(std::make_unique<ModeledDevice>(true), w, g);
  (void)exe->run(std::vector<Tensor>{Tensor::from_f32({1}, {1.0f})});
  EXPECT_EQ(w.calls, 1);
  const auto dt = exe->last_device_time();
  ASSERT_TRUE(dt.has_value());
  EXPECT_EQ(dt->provenance.kind, Provenance::Kind::modeled);
  EXPECT_GE(dt->host_ns, 200e3);  // at least the sleep; never an upper bound on wall time
  EXPECT_DOUBLE_EQ(dt->ns, kDeviceNs + dt->host_ns);
  EXPECT_NE(dt->host_what.find("post-processing"), std::string::npos);
  // Energy over the split: 3 W over the device's part, 1 W (idle) over the host's.
  const double expect = (3.0 * kDeviceNs + 1.0 * dt->host_ns) / dt->ns;
  EXPECT_DOUBLE_EQ(*exe->last_modeled_watts(), expect);
  EXPECT_LT(*exe->last_modeled_watts(), 3.0);
}

// A backend timed by the host clock alone (the cpu, the reference) runs the post-processing
// too, inside its run, so its wall time holds it as a device's system time does; it gains no
// device time. A workload without post-processing is not wrapped at all.
TEST(HostShare, HostTimedBackendsRunItInTheirWallTimeAndPlainWorkloadsAreLeftAlone) {
  const SlowPostprocess w;
  const Graph g;
  auto host_timed = with_host_postprocess(std::make_unique<ModeledDevice>(false), w, g);
  const auto t0 = std::chrono::steady_clock::now();
  (void)host_timed->run(std::vector<Tensor>{Tensor::from_f32({1}, {1.0f})});
  const auto wall = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(w.calls, 1);
  EXPECT_GE(wall, std::chrono::microseconds(200));  // the post-processing's own minimum, not a speed claim
  EXPECT_FALSE(host_timed->last_device_time().has_value());
  const NoPostprocess plain;
  auto inner = std::make_unique<ModeledDevice>(true);
  const Executable* raw = inner.get();
  EXPECT_EQ(with_host_postprocess(std::move(inner), plain, g).get(), raw);  // not wrapped
}

TEST(HostShare, RecordKeepsDeviceHostAndSumApart) {
  const SlowPostprocess w;
  const Graph g;
  auto exe = with_host_postprocess(std::make_unique<ModeledDevice>(true), w, g);
  const SamplePool pool = one_sample();
  const Timings t = measure(*exe, pool, MeasureSettings::fixed(0, 3));
  ASSERT_EQ(t.device_samples_ns.size(), 3u);
  ASSERT_EQ(t.device_host_ns.size(), 3u);
  CompiledModel compiled;
  const TimingFacts facts = make_timing_facts(compiled, t, 1);
  ASSERT_TRUE(facts.device && facts.device->device && facts.device->host);
  EXPECT_EQ(facts.device->device->provenance, Provenance::modeled("toy-model"));
  EXPECT_EQ(facts.device->host->provenance.kind, Provenance::Kind::measured);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_DOUBLE_EQ(facts.device->device->samples_ns[i], kDeviceNs);
    EXPECT_DOUBLE_EQ(facts.device->samples_ns[i], kDeviceNs + facts.device->host->samples_ns[i]);
  }
  EXPECT_EQ(facts.device->provenance.kind, Provenance::Kind::modeled);  // a sum with a modeled part is modeled
  EXPECT_NE(facts.device->provenance.source.find("host share measured"), std::string::npos);
  ResultRecord r;
  r.timing = facts;
  const auto j = to_json(r)["timing"];
  EXPECT_TRUE(j["device"].contains("parts"));
  EXPECT_EQ(j["device"]["parts"]["host"]["provenance"]["kind"], "measured");
  EXPECT_EQ(j["device"]["parts"]["device"]["provenance"]["kind"], "modeled");
}

// A device whose system time has a modeled transfer part (DeviceTime::transfer_ns).
class DeviceWithTransfers final : public Executable {
 public:
  std::vector<Tensor> run(std::span<const Tensor> inputs) override { return {inputs.begin(), inputs.end()}; }
  std::optional<DeviceTime> last_device_time() const override {
    DeviceTime d{kDeviceNs + 5e5, Provenance::modeled("toy-model"), 0, ""};
    d.transfer_ns = 5e5;
    d.transfer_provenance = Provenance::modeled("toy-ddr");
    d.transfer_what = "1 MB";
    return d;
  }
};

TEST(HostShare, RecordLabelsModeledTransfersAsTheirOwnPart) {
  const SlowPostprocess w;
  const Graph g;
  auto exe = with_host_postprocess(std::make_unique<DeviceWithTransfers>(), w, g);
  const Timings t = measure(*exe, one_sample(), MeasureSettings::fixed(0, 2));
  ASSERT_EQ(t.device_transfer_ns.size(), 2u);
  const TimingFacts facts = make_timing_facts(CompiledModel{}, t, 1);
  ASSERT_TRUE(facts.device && facts.device->device && facts.device->host && facts.device->transfers);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_DOUBLE_EQ(facts.device->transfers->samples_ns[i], 5e5);
    EXPECT_DOUBLE_EQ(facts.device->device->samples_ns[i], kDeviceNs);  // the sum less host and transfers
    EXPECT_DOUBLE_EQ(facts.device->samples_ns[i], kDeviceNs + 5e5 + facts.device->host->samples_ns[i]);
  }
  EXPECT_EQ(facts.device->transfers->provenance, Provenance::modeled("toy-ddr"));
  EXPECT_EQ(facts.device->transfers->what, "1 MB");
  EXPECT_NE(facts.device->provenance.source.find("transfers toy-ddr"), std::string::npos);
  ResultRecord r;
  r.timing = facts;
  const auto j = to_json(r)["timing"];
  EXPECT_EQ(j["device"]["parts"]["transfers"]["provenance"]["source"], "toy-ddr");

  // Without transfers (a zero part on every run) the record has no such part.
  auto plain = with_host_postprocess(std::make_unique<ModeledDevice>(true), w, g);
  const Timings t2 = measure(*plain, one_sample(), MeasureSettings::fixed(0, 2));
  EXPECT_TRUE(t2.device_transfer_ns.empty());
  EXPECT_FALSE(make_timing_facts(CompiledModel{}, t2, 1).device->transfers.has_value());
}

}  // namespace
}  // namespace eb::bench
