// The gpu run's profile (backends/gpu/run_profile.h): per-step entries replace the compute
// entry, so the entries never overlap and the harness's shares add up. Plain C++: runs
// without a GPU.
#ifdef EB_HAVE_GPU
#include <gtest/gtest.h>

#include "backends/gpu/run_profile.h"
#include "bench/runner.h"

namespace eb::gpu {
namespace {

const Provenance kEvents = Provenance::measured("cuda_event");

TEST(GpuRunProfile, WithoutStepsTheSplitIsH2dComputeD2h) {
  const auto p = run_profile(10, 100, 5, {}, kEvents);
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(p[0].node, "h2d");
  EXPECT_EQ(p[1].node, "compute");
  EXPECT_EQ(p[1].ns, 100);
  EXPECT_EQ(p[2].node, "d2h");
  EXPECT_EQ(p[1].provenance, kEvents);
}

TEST(GpuRunProfile, StepsReplaceComputeSoNothingIsCountedTwice) {
  const std::vector<StepTime> steps = {{"conv1", "conv2d", 60}, {"head", "linear", 40}};
  const auto p = run_profile(10, 100, 5, steps, kEvents);
  ASSERT_EQ(p.size(), 4u);
  EXPECT_EQ(p[0].node, "h2d");
  EXPECT_EQ(p[1].node, "conv1");
  EXPECT_EQ(p[2].op, "linear");
  EXPECT_EQ(p[3].node, "d2h");
  double sum = 0;
  for (const auto& e : p) sum += e.ns;
  EXPECT_EQ(sum, 10 + 100 + 5);  // the run's device time, once
}

// The harness's per-node shares of such a profile: a fake executable that reports what a
// profiled gpu run reports; the shares are of the device time, not of twice the compute.
class FakeGpuRun final : public Executable {
 public:
  std::vector<Tensor> run(std::span<const Tensor>) override { return {}; }
  void enable_profiling(bool on) override { on_ = on; }
  std::vector<NodeProfile> last_profile() const override {
    const std::vector<StepTime> steps = {{"conv1", "conv2d", 60}, {"head", "linear", 40}};
    return run_profile(10, 100, 5, on_ ? std::span<const StepTime>(steps) : std::span<const StepTime>(), kEvents);
  }

 private:
  bool on_ = false;
};

TEST(GpuRunProfile, HarnessSharesAddUpToTheDeviceTime) {
  FakeGpuRun exe;
  bench::SamplePool pool;
  pool.samples.emplace_back();
  pool.seeds.push_back(0);
  const auto entries = bench::profile_nodes(exe, pool, 3);
  ASSERT_EQ(entries.size(), 4u);
  double shares = 0;
  for (const auto& e : entries) shares += e.share;
  EXPECT_DOUBLE_EQ(shares, 1.0);
  EXPECT_DOUBLE_EQ(entries[1].share, 60.0 / 115);  // conv1: 60 of the 115 ns the run took
}

}  // namespace
}  // namespace eb::gpu
#endif
