// GPU energy through the harness's NVML source (bench/power/nvml_source.h), which the
// device check uses: on a GPU with a driver, a short window integrates to a measured,
// non-negative energy; elsewhere discovery says why there is none.
#ifdef EB_HAVE_GPU
#include <gtest/gtest.h>

#include <thread>

#include "bench/power/energy_record.h"
#include "bench/power/nvml_source.h"
#include "bench/power/sampler.h"
#include "tests/gpu/gpu_test_support.h"

namespace eb::bench {
namespace {

TEST(GpuNvml, SaysWhyWhenThereIsNoNvml) {
  const PowerDiscovery d = discover_nvml({.library = "libnvidia-ml-does-not-exist.so.1"});
  EXPECT_TRUE(d.sources.empty());
  ASSERT_FALSE(d.unavailable.empty());
  EXPECT_FALSE(d.unavailable[0].reason.empty());
}

TEST(GpuNvml, MeasuresEnergyOnTheGpu) {
  EB_REQUIRE_GPU();
  PowerDiscovery d = discover_nvml();
  if (d.sources.empty()) GTEST_SKIP() << (d.unavailable.empty() ? "NVML found nothing" : d.unavailable[0].reason);
  PowerSampler sampler(std::move(d.sources));
  sampler.start(PowerPhase::busy);
  const std::int64_t t0 = power_clock_ns();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const std::int64_t t1 = power_clock_ns();
  const EnergyRecord e = make_energy_record(sampler.stop(), {t0, t1}, 1);
  ASSERT_FALSE(e.sources.empty());
  for (const auto& s : e.sources) {
    ASSERT_TRUE(s.gross_j.has_value()) << s.name << ": " << s.error;
    EXPECT_GE(*s.gross_j, 0.0);
    EXPECT_TRUE(s.provenance.is_measured());
    EXPECT_EQ(s.name.rfind("nvml:", 0), 0u);
  }
}

}  // namespace
}  // namespace eb::bench
#endif
