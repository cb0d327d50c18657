// --power parsing and source selection (auto and explicit), nvml without a driver, xrt
// through an injected reader, and --idle-baseline durations.
#include <gtest/gtest.h>

#include <algorithm>

#include "bench/power/duration.h"
#include "bench/power/nvml_source.h"
#include "bench/power/selection.h"
#include "tests/power/temp_tree.h"

namespace eb::bench {
namespace {

using namespace std::chrono_literals;
using testing::TempTree;

TEST(PowerSpec, Forms) {
  EXPECT_TRUE(parse_power_spec("none").empty());
  EXPECT_EQ(parse_power_spec("auto"), (std::vector<PowerSpecItem>{{"auto", ""}}));
  EXPECT_EQ(parse_power_spec("rapl, nvml"), (std::vector<PowerSpecItem>{{"rapl", ""}, {"nvml", ""}}));
  EXPECT_EQ(parse_power_spec("auto,meter=logs/usb.csv"),
            (std::vector<PowerSpecItem>{{"auto", ""}, {"meter", "logs/usb.csv"}}));
  EXPECT_EQ(parse_power_spec("model,meter-cmd=python3 -u m.py --cols t,w"),
            (std::vector<PowerSpecItem>{{"model", ""}, {"meter-cmd", "python3 -u m.py --cols t,w"}}));
}

TEST(PowerSpec, Errors) {
  for (const char* bad : {"", "  ", "foo", "rapl=1", "meter", "meter=", "rapl,rapl", "none,rapl", "rapl,none",
                          "meter=a.csv,meter-unix=b.csv", "rapl,,nvml"})
    EXPECT_THROW(parse_power_spec(bad), std::invalid_argument) << "'" << bad << "'";
}

// A host with one RAPL package and one hwmon power input, no NVIDIA driver, no XRT.
struct FakeHost {
  TempTree tree;
  PowerEnvironment env;
  FakeHost() {
    tree.write("powercap/intel-rapl:0/name", "package-0");
    tree.write("powercap/intel-rapl:0/energy_uj", "123");
    tree.write("powercap/intel-rapl:0/max_energy_range_uj", "262143328850");
    tree.write("hwmon/hwmon0/name", "ina226");
    tree.write("hwmon/hwmon0/power1_input", "1500000");
    env.rapl.root = tree / "powercap";
    env.hwmon.root = tree / "hwmon";
    env.nvml.library = "libnvidia-ml-absent-for-tests.so.1";
  }
};

std::vector<std::string> names(const PowerSelection& s) {
  std::vector<std::string> out;
  for (const auto& src : s.sources) out.push_back(src->info().name);
  return out;
}

bool has_reason(const PowerSelection& s, std::string_view source, std::string_view text) {
  return std::any_of(s.unavailable.begin(), s.unavailable.end(), [&](const PowerUnavailable& u) {
    return u.source == source && u.reason.find(text) != std::string::npos;
  });
}

TEST(PowerSelection, AutoTakesEveryMeasuredSourceAndListsTheRest) {
  FakeHost host;
  const PowerSelection s = select_power_sources("auto", host.env);
  EXPECT_EQ(s.spec, "auto");
  EXPECT_EQ(names(s), (std::vector<std::string>{"rapl:package-0", "hwmon:ina226:power1"}));
  EXPECT_TRUE(has_reason(s, "nvml", "cannot load libnvidia-ml-absent-for-tests.so.1"));
  EXPECT_TRUE(has_reason(s, "xrt", "needs the fpga backend build"));
  for (const auto& src : s.sources) EXPECT_TRUE(src->info().provenance.is_measured());
}

TEST(PowerSelection, AutoNeverIncludesTheModel) {
  FakeHost host;
  host.env.model = PowerModel{"m", {}, [](PowerPhase) { return 1.0; }};
  EXPECT_EQ(select_power_sources("auto", host.env).sources.size(), 2u);
  const PowerSelection with_model = select_power_sources("auto,model", host.env);
  EXPECT_EQ(names(with_model), (std::vector<std::string>{"model", "rapl:package-0", "hwmon:ina226:power1"}));
}

TEST(PowerSelection, NoneSelectsNothing) {
  FakeHost host;
  const PowerSelection s = select_power_sources("none", host.env);
  EXPECT_TRUE(s.sources.empty());
  EXPECT_TRUE(s.unavailable.empty());
}

TEST(PowerSelection, AnExplicitSourceThatIsUnavailableIsAnError) {
  FakeHost host;
  try {
    select_power_sources("rapl,nvml", host.env);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("--power nvml: unavailable"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("cannot load"), std::string::npos) << e.what();
  }
  EXPECT_THROW(select_power_sources("model", host.env), std::runtime_error);
  EXPECT_THROW(select_power_sources("meter=/nonexistent/log.csv", host.env), std::runtime_error);
  EXPECT_EQ(names(select_power_sources("rapl", host.env)), (std::vector<std::string>{"rapl:package-0"}));
}

TEST(PowerSelection, XrtThroughTheBackendsReader) {
  FakeHost host;
  host.env.xrt = XrtBoard{"xilinx_u50_gen3x16_xdma_base_5", "0000:3b:00.1", [] {
                            return std::string(R"({"power_rails": [], "power_consumption_max_watts": "75",
                                                  "power_consumption_watts": "20.989838",
                                                  "power_consumption_warning": "false"})");
                          }};
  PowerSelection s = select_power_sources("xrt", host.env);
  ASSERT_EQ(s.sources.size(), 1u);
  EXPECT_EQ(s.sources[0]->info().name, "xrt:0000:3b:00.1");
  EXPECT_EQ(s.sources[0]->info().kind, PowerKind::power);
  const PowerReading r = s.sources[0]->read();
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_DOUBLE_EQ(r.value, 20.989838);
}

TEST(XrtPower, ParsesTheElectricalReport) {
  std::string error;
  EXPECT_DOUBLE_EQ(*parse_xrt_power_watts(R"({"power_consumption_watts": 12.5})", error), 12.5);
  EXPECT_FALSE(parse_xrt_power_watts(R"({"power_consumption_watts": "N/A"})", error));
  EXPECT_NE(error.find("N/A"), std::string::npos);
  EXPECT_FALSE(parse_xrt_power_watts(R"({"power_rails": []})", error));
  EXPECT_FALSE(parse_xrt_power_watts("not json", error));
  EXPECT_FALSE(parse_xrt_power_watts(R"({"power_consumption_watts": "-3"})", error));

  const PowerDiscovery d = discover_xrt(XrtBoard{"u50", "", [] { return std::string(R"({"power_consumption_watts": "N/A"})"); }});
  EXPECT_TRUE(d.sources.empty());
  ASSERT_EQ(d.unavailable.size(), 1u);
  EXPECT_EQ(d.unavailable[0].source, "xrt");
}

TEST(Nvml, ReportsWhyWhenThereIsNoDriver) {
  const PowerDiscovery d = discover_nvml();  // the real soname
  if (!d.sources.empty()) {
    // A host with a driver: every GPU is a measured channel named by index.
    for (const auto& s : d.sources) {
      EXPECT_TRUE(s->info().name.starts_with("nvml:"));
      EXPECT_TRUE(s->info().provenance.is_measured());
      EXPECT_TRUE(s->read().ok());
    }
    return;
  }
  ASSERT_FALSE(d.unavailable.empty());
  EXPECT_EQ(d.unavailable[0].source, "nvml");
  EXPECT_FALSE(d.unavailable[0].reason.empty());
}

TEST(Duration, Parses) {
  EXPECT_EQ(parse_duration("0"), 0ns);
  EXPECT_EQ(parse_duration("500ms"), 500ms);
  EXPECT_EQ(parse_duration("2.5s"), 2500ms);
  EXPECT_EQ(parse_duration("1m"), 60s);
  EXPECT_EQ(parse_duration("250us"), 250us);
  EXPECT_EQ(parse_duration("10ns"), 10ns);
  for (const char* bad : {"", "5", "-1s", "s", "1h", "1.5.2s", "nan s", "inf s"})
    EXPECT_THROW(parse_duration(bad), std::invalid_argument) << bad;
}

}  // namespace
}  // namespace eb::bench

namespace eb::bench {
namespace {

// Totals across kinds: a whole-system channel contains the components; a mirror of RAPL
// is left out when RAPL itself is selected.
TEST(PowerSelection, AWholeSystemChannelTakesComponentsOutOfTheTotal) {
  FakeHost host;
  host.tree.write("hwmon/hwmon1/name", "acpi_power_meter");
  host.tree.write("hwmon/hwmon1/power1_average", "180000000");
  const PowerSelection s = select_power_sources("auto", host.env);
  ASSERT_EQ(s.sources.size(), 3u);
  for (const auto& src : s.sources) {
    const bool system = src->info().name == "hwmon:acpi_power_meter:power1";
    EXPECT_EQ(src->info().scope == PowerSourceInfo::Scope::system, system) << src->info().name;
    EXPECT_EQ(src->info().in_total, system) << src->info().name;
  }
  EXPECT_EQ(s.notes.size(), 2u);
}

TEST(PowerSelection, RaplMirrorsLeaveTheTotalOnlyWhenRaplIsSelected) {
  FakeHost host;
  host.tree.write("hwmon/hwmon1/name", "amd_energy");
  host.tree.write("hwmon/hwmon1/energy1_input", "1000");
  host.tree.write("hwmon/hwmon1/energy1_label", "Esocket0");
  {
    const PowerSelection s = select_power_sources("auto", host.env);
    for (const auto& src : s.sources)
      EXPECT_EQ(src->info().in_total, src->info().name != "hwmon:amd_energy:Esocket0") << src->info().name;
    ASSERT_EQ(s.notes.size(), 1u);
    EXPECT_NE(s.notes[0].find("repeats rapl"), std::string::npos);
  }
  {
    const PowerSelection s = select_power_sources("hwmon", host.env);
    for (const auto& src : s.sources) EXPECT_TRUE(src->info().in_total) << src->info().name;
    EXPECT_TRUE(s.notes.empty());
  }
}

}  // namespace
}  // namespace eb::bench
