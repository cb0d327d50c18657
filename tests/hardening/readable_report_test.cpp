// The HTML report and compare's table read well with awkward but ordinary records, through
// the real binary: energy for one backend only (one bar, not a slab filling the chart),
// long node names (whole in the profile chart), a long "why not here" text that many rows
// of the published-figures table share (said once), and a cpu record without energy (how
// to get a figure: the TDP model).
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include <nlohmann/json.hpp>

#include "tests/hardening/child.h"

namespace eb::test {
namespace {

using nlohmann::json;

const fs::path kFixtures = fs::path(EB_SOURCE_DIR) / "tests/reports/data/records";

json fixture(const std::string& name) { return json::parse(read_file(kFixtures / name)); }

void write_json(const fs::path& p, const json& j) { std::ofstream(p) << j.dump(2); }

// The cpu fixture without its power section (no source here), beside the fpga fixture's
// modeled energy: one backend with energy.
fs::path one_backend_with_energy(const fs::path& dir) {
  fs::create_directories(dir / "records");
  json cpu = fixture("m3vit-backbone-seg-cpu-fp32.json");
  cpu.erase("power");
  write_json(dir / "records" / "cpu.json", cpu);
  write_json(dir / "records" / "fpga.json", fixture("m3vit-backbone-seg-fpga-fixed.json"));
  return dir / "records";
}

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++n;
  return n;
}

// The <svg> whose title starts with `title`.
std::string chart(const std::string& html, const std::string& title) {
  const auto t = html.find("<text class=\"title\" x=\"70\" y=\"20\">" + title);
  if (t == std::string::npos) return {};
  const auto start = html.rfind("<svg", t), end = html.find("</svg>", t);
  return html.substr(start, end - start);
}

TEST(ReadableReport, AnEnergyBarStandsOnTheAxisAndALoneOneIsNarrow) {
  TempDir tmp;
  const auto records = one_backend_with_energy(tmp.path());
  const auto r = run_cli({"report", records.string(), "--html", (tmp / "r.html").string()});
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string html = read_file(tmp / "r.html");
  const std::string energy = chart(html, "Energy per inference");
  ASSERT_FALSE(energy.empty()) << "no energy chart";
  const std::regex rect(R"re(<rect class="mark[^"]*" x="([-0-9.]+)" y="([-0-9.]+)" width="([-0-9.]+)" height="([-0-9.]+)")re");
  int bars = 0;
  for (std::sregex_iterator it(energy.begin(), energy.end(), rect), end; it != end; ++it, ++bars) {
    const double y = std::stod((*it)[2]), w = std::stod((*it)[3]), h = std::stod((*it)[4]);
    EXPECT_LE(w, 64.0) << it->str();
    EXPECT_NEAR(y + h, 290.0, 0.11) << "the bar does not reach the zero line: " << it->str();
  }
  EXPECT_EQ(bars, 1);
  // The backend without a bar is named, with why and (cpu) how to get a figure.
  EXPECT_NE(html.find("no energy figure for"), std::string::npos);
  EXPECT_NE(html.find("--backend-option cpu.tdp_watts=W"), std::string::npos);
}

// compare's energy-ratio column shows "–" against a cpu baseline without energy: a note says
// how to get a (modeled) cpu figure.
TEST(ReadableReport, CompareSaysHowTheCpuGetsAnEnergyFigure) {
  TempDir tmp;
  const auto records = one_backend_with_energy(tmp.path());
  const auto r = run_cli({"compare", records.string()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("cpu fp32 has no energy figure"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--backend-option cpu.tdp_watts=W"), std::string::npos) << r.out;
}

TEST(ReadableReport, ProfileChartShowsWholeNodeNames) {
  TempDir tmp;
  json cpu = fixture("m3vit-backbone-seg-cpu-fp32.json");
  const std::string name = "backbone.13_ibn.project+backbone.13_ibn.add+backbone.13_ibn.relu";  // 63 characters
  cpu["profile"]["nodes"][0]["node"] = name;
  write_json(tmp / "cpu.json", cpu);
  const auto r = run_cli({"report", (tmp / "cpu.json").string(), "--html", (tmp / "r.html").string()});
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string html = read_file(tmp / "r.html");
  const std::string label = ">" + name + " (" + cpu["profile"]["nodes"][0]["op"].get<std::string>() + ")</text>";
  EXPECT_NE(html.find(label), std::string::npos) << "the drawn label is cut";
}

// Three published accuracy figures that this host cannot evaluate: the reason (a long text)
// is said once under the table, in the report and on stdout, not in each row.
TEST(ReadableReport, PublishedTableSaysALongReasonOnce) {
  TempDir tmp;
  json pub = json::parse(read_file(fs::path(EB_SOURCE_DIR) / "data/published/edge-moe.json"));
  auto& results = pub["models"][0]["results"];
  for (const char* precision : {"fp32", "fp16", "int8"})
    results.push_back({{"metric", "coco_map"}, {"value", 30.0}, {"dataset", "COCO val2017"}, {"precision", precision},
                       {"citation", "edge_moe_paper"}});
  write_json(tmp / "pub.json", pub);
  const auto r = run_cli({"reproduce", "edge-moe", "--quick", "--backends", "fpga", "--power", "none", "--published",
                          (tmp / "pub.json").string(), "--out", (tmp / "r").string()});
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string reason = "needs COCO val2017 and trained weights";
  EXPECT_EQ(count_of(r.out, reason), 1u) << r.out;
  EXPECT_EQ(count_of(read_file(tmp / "r" / "report.html"), reason), 1u);
  EXPECT_EQ(count_of(r.out, "not evaluated here (note "), 3u) << r.out;  // whichever number the note gets
}

}  // namespace
}  // namespace eb::test
