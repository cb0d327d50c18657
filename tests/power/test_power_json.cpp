// Serialisation: provenance objects, figures, null for what could not be measured, traces.
#include <gtest/gtest.h>

#include "bench/power/power_json.h"
#include "bench/power/selection.h"
#include "tests/power/ns.h"

namespace eb::bench {
namespace {

using testing::kS;

PowerTrace trace() {
  PowerTrace t;
  t.start_ns = 5 * kS;
  t.stop_ns = 7 * kS;
  t.period = std::chrono::milliseconds(10);
  SourceTrace s;
  s.info.name = "rapl:package-0";
  s.info.kind = PowerKind::counter;
  s.info.counter_range_j = 262143.32885;
  s.info.update_period = std::chrono::microseconds(976);
  s.info.provenance = PowerProvenance::measured("rapl:package-0", {{"path", "/sys/class/powercap/intel-rapl:0/energy_uj"}});
  s.samples = {{5 * kS, 10.0}, {6 * kS, 30.0}, {7 * kS, 50.0}};
  s.stats.reads = 3;
  t.sources.push_back(s);
  SourceTrace m;
  m.info.name = "model";
  m.info.kind = PowerKind::power;
  m.info.in_total = false;
  m.info.provenance = PowerProvenance::modeled("edgetpu(busy=2W)", {{"busy_w", 2.0}});
  m.samples = {{5 * kS, 2.0}, {7 * kS, 2.0}};
  t.sources.push_back(m);
  return t;
}

TEST(PowerJson, ProvenanceHasKindSourceAndParameters) {
  const auto j = to_json(PowerProvenance::modeled("m", {{"a", 1}}));
  EXPECT_EQ(j, (nlohmann::json{{"kind", "modeled"}, {"source", "m"}, {"parameters", {{"a", 1}}}}));
}

TEST(PowerJson, TraceWithSamplesRelativeToStart) {
  const auto j = to_json(trace());
  EXPECT_EQ(j["phase"], "busy");
  EXPECT_EQ(j["clock"], "std::chrono::steady_clock");
  EXPECT_EQ(j["period_ms"], 10.0);
  const auto& s = j["sources"][0];
  EXPECT_EQ(s["source"]["name"], "rapl:package-0");
  EXPECT_EQ(s["source"]["kind"], "counter");
  EXPECT_EQ(s["source"]["unit"], "J");
  EXPECT_EQ(s["source"]["counter_range_j"], 262143.32885);
  EXPECT_DOUBLE_EQ(s["source"]["update_period_ms"].get<double>(), 0.976);
  EXPECT_EQ(s["source"]["provenance"]["kind"], "measured");
  EXPECT_EQ(s["samples"]["t_ns"], (nlohmann::json{0, kS, 2 * kS}));
  EXPECT_EQ(s["samples"]["value"], (nlohmann::json{10.0, 30.0, 50.0}));
  EXPECT_EQ(s["stats"]["reads"], 3);
  EXPECT_TRUE(j["sources"][1]["source"]["update_period_ms"].is_null());
  EXPECT_FALSE(j["sources"][1]["source"].contains("counter_range_j"));
  EXPECT_FALSE(to_json(trace(), false)["sources"][0].contains("samples"));
}

TEST(PowerJson, EnergyRecord) {
  EnergyRecord r = make_energy_record(trace(), {5 * kS, 7 * kS}, 40, nullptr);
  r.unavailable = {{"nvml", "cannot load libnvidia-ml.so.1"}};
  const auto j = to_json(r);
  EXPECT_EQ(j["window"]["seconds"], 2.0);
  EXPECT_EQ(j["inferences"], 40);
  EXPECT_EQ(j["sources"][0]["gross_j"], 40.0);
  EXPECT_TRUE(j["sources"][0]["net_j"].is_null());  // no baseline: null, never 0
  EXPECT_EQ(j["sources"][1]["in_total"], false);
  EXPECT_EQ(j["totals"]["gross_j"]["value"], 40.0);
  EXPECT_EQ(j["totals"]["gross_j"]["unit"], "J");
  EXPECT_EQ(j["totals"]["gross_j"]["provenance"]["kind"], "measured");
  EXPECT_EQ(j["totals"]["mean_w"]["value"], 20.0);
  EXPECT_EQ(j["totals"]["gross_mj_per_inference"]["value"], 1000.0);
  EXPECT_EQ(j["totals"]["inferences_per_gross_j"]["value"], 1.0);
  EXPECT_FALSE(j["totals"].contains("net_j"));
  EXPECT_TRUE(j["idle"].is_null());
  EXPECT_EQ(j["unavailable"][0]["source"], "nvml");
}

TEST(PowerJson, NoTotalIsNull) {
  PowerTrace t = trace();
  t.sources[0].samples.pop_back();  // no longer covers the window
  const auto j = to_json(make_energy_record(t, {5 * kS, 7 * kS}, 1, nullptr));
  EXPECT_TRUE(j["totals"].is_null());
  EXPECT_TRUE(j["sources"][0]["gross_j"].is_null());
  EXPECT_FALSE(j["sources"][0]["error"].get<std::string>().empty());
}

}  // namespace
}  // namespace eb::bench

namespace eb::bench {
namespace {

TEST(PowerJson, Selection) {
  PowerSelection s;
  s.spec = "auto,model";
  PowerDiscovery d = discover_model(PowerModel{"m(busy=1W)", {{"busy_w", 1}}, [](PowerPhase) { return 1.0; }});
  s.sources = std::move(d.sources);
  s.unavailable = {{"rapl", "no /sys/class/powercap"}};
  s.notes = {"x"};
  const auto j = to_json(s);
  EXPECT_EQ(j["spec"], "auto,model");
  EXPECT_EQ(j["channels"][0]["name"], "model");
  EXPECT_EQ(j["channels"][0]["scope"], "component");
  EXPECT_EQ(j["channels"][0]["provenance"]["kind"], "modeled");
  EXPECT_EQ(j["channels"][0]["provenance"]["parameters"]["busy_w"], 1);
  EXPECT_EQ(j["unavailable"][0]["reason"], "no /sys/class/powercap");
  EXPECT_EQ(j["notes"], (nlohmann::json{"x"}));
}

}  // namespace
}  // namespace eb::bench
