// hwmon: power, energy and ina3221 voltage × current channels on fake hwmon trees.
#include <gtest/gtest.h>

#include <algorithm>

#include "bench/power/hwmon_source.h"
#include "tests/power/temp_tree.h"

namespace eb::bench {
namespace {

using testing::TempTree;

PowerSource* find(PowerDiscovery& d, std::string_view name) {
  for (const auto& s : d.sources)
    if (s->info().name == name) return s.get();
  return nullptr;
}

TEST(Hwmon, PowerAndEnergyInputsWithLabels) {
  TempTree t;
  t.write("hwmon0/name", "amdgpu\n");
  t.write("hwmon0/power1_input", "45500000\n");  // 45.5 W in µW
  t.write("hwmon0/power1_label", "PPT\n");
  t.write("hwmon1/name", "acpi_meter\n");
  t.write("hwmon1/energy1_input", "2500000\n");  // 2.5 J in µJ
  t.write("hwmon1/update_interval", "100\n");     // ms
  t.write("hwmon2/name", "coretemp\n");            // no power inputs
  t.write("hwmon2/temp1_input", "40000\n");

  PowerDiscovery d = discover_hwmon({t.root()});
  ASSERT_EQ(d.sources.size(), 2u);
  auto* gpu = find(d, "hwmon:amdgpu:PPT");
  ASSERT_NE(gpu, nullptr);
  EXPECT_EQ(gpu->info().kind, PowerKind::power);
  EXPECT_TRUE(gpu->info().in_total);
  EXPECT_FALSE(gpu->info().update_period.has_value());
  auto* meter = find(d, "hwmon:acpi_meter:energy1");
  ASSERT_NE(meter, nullptr);
  EXPECT_EQ(meter->info().kind, PowerKind::counter);
  EXPECT_EQ(meter->info().counter_range_j, 0);  // hwmon publishes no wrap range
  ASSERT_TRUE(meter->info().update_period.has_value());
  EXPECT_EQ(*meter->info().update_period, std::chrono::milliseconds(100));

  const PowerReading w = gpu->read();
  ASSERT_TRUE(w.ok()) << w.error;
  EXPECT_DOUBLE_EQ(w.value, 45.5);
  const PowerReading j = meter->read();
  ASSERT_TRUE(j.ok()) << j.error;
  EXPECT_DOUBLE_EQ(j.value, 2.5);
}

// Jetson (JetPack 5+): the ina3221 driver publishes rail voltage and current, no power.
// VDD_IN is the board input, the other rails are inside it: only VDD_IN is counted.
TEST(Hwmon, Ina3221RailsFromVoltageTimesCurrentAndOnlyTheInputCounts) {
  TempTree t;
  t.write("hwmon3/name", "ina3221\n");
  const char* labels[] = {"VDD_IN", "VDD_CPU_GPU_CV", "VDD_SOC"};
  const char* mv[] = {"5000", "5000", "5000"};
  const char* ma[] = {"1200", "400", "300"};
  for (int i = 0; i < 3; ++i) {
    const std::string n = std::to_string(i + 1);
    t.write("hwmon3/in" + n + "_label", labels[i]);
    t.write("hwmon3/in" + n + "_input", mv[i]);
    t.write("hwmon3/curr" + n + "_input", ma[i]);
  }
  t.write("hwmon3/in7_input", "5000");  // the summed shunt channel: no current partner, ignored

  PowerDiscovery d = discover_hwmon({t.root()});
  ASSERT_EQ(d.sources.size(), 3u);
  auto* in = find(d, "hwmon:ina3221:VDD_IN");
  auto* cpu = find(d, "hwmon:ina3221:VDD_CPU_GPU_CV");
  auto* soc = find(d, "hwmon:ina3221:VDD_SOC");
  ASSERT_TRUE(in && cpu && soc);
  EXPECT_TRUE(in->info().in_total);
  EXPECT_FALSE(cpu->info().in_total);
  EXPECT_FALSE(soc->info().in_total);
  EXPECT_EQ(in->info().provenance.parameters["method"], "bus voltage (mV) x current (mA)");
  EXPECT_DOUBLE_EQ(in->read().value, 6.0);  // 5 V × 1.2 A
  EXPECT_DOUBLE_EQ(cpu->read().value, 2.0);
}

TEST(Hwmon, EnergyCounterIsPreferredToPowerOfTheSameRail) {
  TempTree t;
  t.write("hwmon0/name", "board\n");
  t.write("hwmon0/energy1_input", "1000000");
  t.write("hwmon0/energy1_label", "VDD_IN");
  t.write("hwmon0/power1_input", "2000000");
  t.write("hwmon0/power1_label", "VDD_IN");
  PowerDiscovery d = discover_hwmon({t.root()});
  ASSERT_EQ(d.sources.size(), 1u);
  EXPECT_EQ(d.sources[0]->info().kind, PowerKind::counter);
  ASSERT_EQ(d.unavailable.size(), 1u);
  EXPECT_NE(d.unavailable[0].reason.find("same rail"), std::string::npos);
}

TEST(Hwmon, AverageWhenNoInputAndOldDeviceFolder) {
  TempTree t;
  t.write("hwmon0/device/name", "oldchip\n");
  t.write("hwmon0/device/power1_average", "3000000");
  t.write("hwmon0/device/power1_average_interval", "1000");
  PowerDiscovery d = discover_hwmon({t.root()});
  ASSERT_EQ(d.sources.size(), 1u);
  EXPECT_EQ(d.sources[0]->info().name, "hwmon:oldchip:power1");
  EXPECT_EQ(*d.sources[0]->info().update_period, std::chrono::seconds(1));
  EXPECT_DOUBLE_EQ(d.sources[0]->read().value, 3.0);
}

TEST(Hwmon, SameChipNameTwiceGetsTheFolder) {
  TempTree t;
  for (const char* dir : {"hwmon1", "hwmon2"}) {
    t.write(std::string(dir) + "/name", "ina226");
    t.write(std::string(dir) + "/power1_input", "1000000");
  }
  PowerDiscovery d = discover_hwmon({t.root()});
  ASSERT_EQ(d.sources.size(), 2u);
  EXPECT_EQ(d.sources[0]->info().name, "hwmon:ina226:power1@hwmon1");
  EXPECT_EQ(d.sources[1]->info().name, "hwmon:ina226:power1@hwmon2");
}

TEST(Hwmon, UnreadableInputIsReported) {
  TempTree t;
  t.write("hwmon0/name", "chip");
  t.mkdir("hwmon0/power1_input");  // reading it fails (EISDIR), even for root
  PowerDiscovery d = discover_hwmon({t.root()});
  EXPECT_TRUE(d.sources.empty());
  ASSERT_EQ(d.unavailable.size(), 1u);
  EXPECT_EQ(d.unavailable[0].source, "hwmon:chip:power1");
  EXPECT_NE(d.unavailable[0].reason.find("cannot read"), std::string::npos);
}

TEST(Hwmon, NothingToMeasure) {
  TempTree t;
  t.write("hwmon0/name", "coretemp");
  PowerDiscovery d = discover_hwmon({t.root()});
  EXPECT_TRUE(d.sources.empty());
  ASSERT_EQ(d.unavailable.size(), 1u);
  EXPECT_EQ(d.unavailable[0].source, "hwmon");
}

}  // namespace
}  // namespace eb::bench
