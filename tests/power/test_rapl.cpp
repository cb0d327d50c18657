// rapl: which zones are counted, wraparound, and unreadable counters, on fake powercap trees.
#include <gtest/gtest.h>

#include <algorithm>
#include <sys/stat.h>

#include "bench/power/integrate.h"
#include "bench/power/rapl_source.h"
#include "tests/power/temp_tree.h"

namespace eb::bench {
namespace {

using testing::TempTree;

void zone(const TempTree& t, const std::string& id, const std::string& name, const std::string& energy_uj,
          const std::string& range_uj = "262143328850") {
  t.write(id + "/name", name + "\n");
  t.write(id + "/energy_uj", energy_uj + "\n");
  t.write(id + "/max_energy_range_uj", range_uj + "\n");
}

bool lists(const PowerDiscovery& d, std::string_view source_prefix) {
  return std::any_of(d.unavailable.begin(), d.unavailable.end(),
                     [&](const PowerUnavailable& u) { return u.source.starts_with(source_prefix); });
}

// A client-style tree: package with core/uncore/dram subzones, psys, and the MMIO twin of
// the package. Only the package counts, once.
TEST(Rapl, CountsEachPackageOnceAndNothingNested) {
  TempTree t;
  t.mkdir("intel-rapl");  // the control type folder: no zone
  zone(t, "intel-rapl:0", "package-0", "1000000");
  zone(t, "intel-rapl:0:0", "core", "400000");
  zone(t, "intel-rapl:0:1", "uncore", "100000");
  zone(t, "intel-rapl:0:2", "dram", "300000");
  zone(t, "intel-rapl:1", "psys", "5000000");
  zone(t, "intel-rapl-mmio:0", "package-0", "1000000");

  const PowerDiscovery d = discover_rapl({t.root()});
  ASSERT_EQ(d.sources.size(), 1u);
  const PowerSourceInfo& info = d.sources[0]->info();
  EXPECT_EQ(info.name, "rapl:package-0");
  EXPECT_EQ(info.kind, PowerKind::counter);
  EXPECT_TRUE(info.in_total);
  EXPECT_TRUE(info.provenance.is_measured());
  EXPECT_EQ(info.provenance.parameters["path"], (t / "intel-rapl:0/energy_uj").string());
  EXPECT_DOUBLE_EQ(info.counter_range_j, 262143.32885);
  ASSERT_TRUE(info.update_period.has_value());

  EXPECT_TRUE(lists(d, "rapl:intel-rapl:0:0 (core)"));
  EXPECT_TRUE(lists(d, "rapl:intel-rapl:0:1 (uncore)"));
  EXPECT_TRUE(lists(d, "rapl:intel-rapl:0:2 (dram)"));
  EXPECT_TRUE(lists(d, "rapl:intel-rapl:1 (psys)"));
  EXPECT_TRUE(lists(d, "rapl-mmio:package-0"));

  const PowerReading r = d.sources[0]->read();
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_DOUBLE_EQ(r.value, 1.0);  // 1e6 µJ
}

TEST(Rapl, TwoSocketsAreTwoChannels) {
  TempTree t;
  zone(t, "intel-rapl:0", "package-0", "1");
  zone(t, "intel-rapl:1", "package-1", "2");
  const PowerDiscovery d = discover_rapl({t.root()});
  ASSERT_EQ(d.sources.size(), 2u);
  EXPECT_EQ(d.sources[0]->info().name, "rapl:package-0");
  EXPECT_EQ(d.sources[1]->info().name, "rapl:package-1");
}

// The counter passes max_energy_range_uj between two reads: integration adds one range.
TEST(Rapl, WraparoundIsAddedBackOnce) {
  TempTree t;
  const std::uint64_t range_uj = 1'000'000;  // a 1 J range, to wrap quickly
  zone(t, "intel-rapl:0", "package-0", "999000", std::to_string(range_uj));
  PowerDiscovery d = discover_rapl({t.root()});
  ASSERT_EQ(d.sources.size(), 1u);
  PowerSource& src = *d.sources[0];

  // Reads at synthetic times 0, 1, 2, 3 ms: 0.999 J, then wrapped to 0.001 J, 0.004 J, 0.010 J.
  std::vector<PowerSample> samples;
  const char* values[] = {"999000", "1000", "4000", "10000"};
  for (int i = 0; i < 4; ++i) {
    t.write("intel-rapl:0/energy_uj", values[i]);
    const PowerReading r = src.read();
    ASSERT_TRUE(r.ok()) << r.error;
    samples.push_back({i * 1'000'000LL, r.value});
  }
  const double range_j = src.info().counter_range_j;
  EXPECT_DOUBLE_EQ(range_j, 1.0);
  // 0.999 -> 1.0 (wrap) -> 0.001: 0.002 J; then 0.003 J; then 0.006 J.
  EXPECT_NEAR(counter_energy(samples, range_j, 0, 3'000'000), 0.011, 1e-12);
  EXPECT_NEAR(counter_energy(samples, range_j, 0, 1'000'000), 0.002, 1e-12);
  EXPECT_NEAR(counter_energy(samples, range_j, 1'000'000, 3'000'000), 0.009, 1e-12);
  // Half of the wrapping interval: half its energy (the counter is interpolated linearly).
  EXPECT_NEAR(counter_energy(samples, range_j, 500'000, 1'000'000), 0.001, 1e-12);
}

TEST(Rapl, UnreadableCounterIsUnavailableWithItsReason) {
  TempTree t;
  zone(t, "intel-rapl:0", "package-0", "1");
  // A counter that opens but cannot be read: a folder in its place (read fails with EISDIR),
  // which works even for root, unlike file permissions.
  std::filesystem::remove(t / "intel-rapl:0/energy_uj");
  t.mkdir("intel-rapl:0/energy_uj");
  const PowerDiscovery d = discover_rapl({t.root()});
  EXPECT_TRUE(d.sources.empty());
  ASSERT_EQ(d.unavailable.size(), 1u);
  EXPECT_EQ(d.unavailable[0].source, "rapl:package-0");
  EXPECT_NE(d.unavailable[0].reason.find("cannot read"), std::string::npos) << d.unavailable[0].reason;
  EXPECT_NE(d.unavailable[0].reason.find("energy_uj"), std::string::npos) << d.unavailable[0].reason;
}

TEST(Rapl, PermissionDeniedNamesTheKernelChange) {
  if (testing::running_as_root()) GTEST_SKIP() << "root reads a mode-000 file; permission cannot be tested";
  TempTree t;
  zone(t, "intel-rapl:0", "package-0", "1");
  ::chmod((t / "intel-rapl:0/energy_uj").c_str(), 0);
  const PowerDiscovery d = discover_rapl({t.root()});
  EXPECT_TRUE(d.sources.empty());
  ASSERT_EQ(d.unavailable.size(), 1u);
  EXPECT_NE(d.unavailable[0].reason.find("Permission denied"), std::string::npos);
  EXPECT_NE(d.unavailable[0].reason.find("CVE-2020-8694"), std::string::npos);
}

TEST(Rapl, FallsBackToMmioWhenTheMsrZoneCannotBeRead) {
  TempTree t;
  zone(t, "intel-rapl:0", "package-0", "1");
  std::filesystem::remove(t / "intel-rapl:0/energy_uj");
  zone(t, "intel-rapl-mmio:0", "package-0", "5000000");
  const PowerDiscovery d = discover_rapl({t.root()});
  ASSERT_EQ(d.sources.size(), 1u);
  EXPECT_EQ(d.sources[0]->info().name, "rapl-mmio:package-0");
}

TEST(Rapl, MissingRangeMakesTheZoneUnavailable) {
  TempTree t;
  zone(t, "intel-rapl:0", "package-0", "1");
  std::filesystem::remove(t / "intel-rapl:0/max_energy_range_uj");
  const PowerDiscovery d = discover_rapl({t.root()});
  EXPECT_TRUE(d.sources.empty());
  ASSERT_EQ(d.unavailable.size(), 1u);
  EXPECT_NE(d.unavailable[0].reason.find("wraparound"), std::string::npos) << d.unavailable[0].reason;
}

TEST(Rapl, NoPowercapFolder) {
  TempTree t;
  const PowerDiscovery d = discover_rapl({t / "absent"});
  EXPECT_TRUE(d.sources.empty());
  ASSERT_EQ(d.unavailable.size(), 1u);
  EXPECT_EQ(d.unavailable[0].source, "rapl");
}

}  // namespace
}  // namespace eb::bench
