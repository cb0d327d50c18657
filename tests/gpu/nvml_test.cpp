// NVML power: the trapezoid integral (host-only), a clean "why not" where NVML or the GPU
// is missing, and — on a GPU — a reading with its provenance.
#ifdef EB_HAVE_GPU
#include <gtest/gtest.h>

#include <thread>

#include "backends/gpu/device_info.h"
#include "backends/gpu/nvml_power.h"
#include "tests/gpu/gpu_test_support.h"

namespace eb::gpu {
namespace {

TEST(GpuNvml, TrapezoidsIntegratePiecewiseLinearPower) {
  // 100 W for 1 s, then a ramp to 200 W over 1 s: 100 J + 150 J.
  const std::vector<PowerSample> s = {{0, 100.0}, {1'000'000'000, 100.0}, {2'000'000'000, 200.0}};
  EXPECT_DOUBLE_EQ(integrate_trapezoids(s), 250.0);
  EXPECT_EQ(integrate_trapezoids({}), 0.0);
  EXPECT_EQ(integrate_trapezoids({{5, 3.0}}), 0.0);
}

TEST(GpuNvml, SaysWhyWhenTheGpuIsNotThere) {
  std::string why;
  const auto dev = NvmlDevice::open("0000:ff:1f.7", &why);  // no such GPU, or no NVML at all
  EXPECT_EQ(dev, nullptr);
  EXPECT_FALSE(why.empty());
}

TEST(GpuNvml, MeasuresEnergyOnTheGpu) {
  EB_REQUIRE_GPU();
  std::string why;
  const auto dev = NvmlDevice::open(pci_bus_id(0), &why);
  if (!dev) GTEST_SKIP() << why;
  std::printf("%s: energy counter %s, power sensor period %.1f ms\n", dev->name().c_str(),
              dev->has_energy_counter() ? "yes" : "no", dev->power_update_period_s() * 1e3);
  NvmlEnergyMeter meter(*dev);
  meter.start();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const EnergyReading r = meter.stop();
  EXPECT_GT(r.seconds, 0.29);
  EXPECT_GE(r.joules, 0.0);
  EXPECT_EQ(r.provenance.kind, Provenance::Kind::measured);
  EXPECT_EQ(r.provenance.source.rfind("nvml:", 0), 0u);
}

}  // namespace
}  // namespace eb::gpu
#endif
