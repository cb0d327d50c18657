// The HTML report: self-contained, every chart drawn with data marks, and — where Debian's
// chromium is installed — rendered headless without console errors into a screenshot that
// is not blank.
#include "reports/html_report.h"

#include <unistd.h>

#include <cstdio>
#include <regex>

#include <gtest/gtest.h>

#include "bench/datasets/image_codec.h"
#include "core/atomic_file.h"
#include "report_fixtures.h"
#include "reports/comparison.h"

namespace eb::reports {
namespace {

using testing::fixture_records;

std::string report_of_fixtures() {
  const auto records = fixture_records();
  return html_report(records, compare(records), {"fixture report", {{"Lead", "<p>lead section</p>"}}});
}

// The text of every <svg class="chart"> element.
std::vector<std::string> charts(const std::string& html) {
  std::vector<std::string> out;
  for (std::size_t at = html.find("<svg class=\"chart\""); at != std::string::npos; at = html.find("<svg class=\"chart\"", at + 1)) {
    const auto end = html.find("</svg>", at);
    out.push_back(html.substr(at, end == std::string::npos ? std::string::npos : end - at));
  }
  return out;
}

TEST(ReportHtml, SelfContainedWithEverySection) {
  const std::string html = report_of_fixtures();
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  // The only URL is the SVG namespace, which is a name, not a fetch.
  const std::regex url(R"(https?://(?!www\.w3\.org/2000/svg))");
  EXPECT_FALSE(std::regex_search(html, url));
  for (const char* section : {"Lead", "Comparison", "Latency distribution", "Power over time", "Energy", "Accuracy and latency",
                              "Per-node profile", "Validity", "Host and settings"})
    EXPECT_NE(html.find(std::string("<h2>") + section + "</h2>"), std::string::npos) << section;
  EXPECT_NE(html.find("INVALID"), std::string::npos);
  EXPECT_NE(html.find("too few queries"), std::string::npos);  // the reference's reason
  EXPECT_NE(html.find("~"), std::string::npos);                // modeled figures marked
}

TEST(ReportHtml, EveryChartHasDataMarksAxesAndALabel) {
  const auto svgs = charts(report_of_fixtures());
  // 2 CDFs, 2 power traces, energy bars (mJ and inf/J for m3vit), accuracy scatter, 1 profile.
  EXPECT_EQ(svgs.size(), 8u);
  for (const auto& svg : svgs) {
    EXPECT_NE(svg.find("class=\"mark"), std::string::npos) << svg.substr(0, 200);
    EXPECT_NE(svg.find("class=\"title\""), std::string::npos);
    EXPECT_NE(svg.find("class=\"label\""), std::string::npos) << svg.substr(0, 200);
  }
}

TEST(ReportHtml, ChartsWithoutDataSayWhy) {
  auto records = fixture_records();
  std::vector<RecordView> reference_only = {records[2]};  // no power, profile or accuracy
  const std::string html = html_report(reference_only, compare(reference_only));
  EXPECT_EQ(charts(html).size(), 1u);  // the CDF only
  EXPECT_NE(html.find("No power samples"), std::string::npos);
  EXPECT_NE(html.find("No energy figures"), std::string::npos);
  EXPECT_NE(html.find("No accuracy figures"), std::string::npos);
  EXPECT_NE(html.find("No per-node profiles"), std::string::npos);
}

TEST(ReportHtml, ParetoFront) {
  // (latency, accuracy): b dominates a; c is slower but more accurate; d is dominated by c.
  const auto f = pareto_front({10, 5, 20, 25}, {20, 22, 30, 29});
  EXPECT_EQ(f, (std::vector<bool>{false, true, true, false}));
}

TEST(ReportHtml, EscapesRecordText) {
  auto records = fixture_records();
  records[0].device = "<b>evil</b> & co";
  const std::string html = html_report(records, compare(records));
  EXPECT_EQ(html.find("<b>evil</b>"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;evil&lt;/b&gt; &amp; co"), std::string::npos);
}

// ---- headless Chromium ----

std::string chromium() {
  for (const char* c : {"/usr/bin/chromium", "/usr/bin/chromium-browser"})
    if (::access(c, X_OK) == 0) return c;
  return "";
}

std::string run(const std::string& command) {
  std::string out;
  if (FILE* p = ::popen(command.c_str(), "r")) {
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    ::pclose(p);
  }
  return out;
}

class ReportChromium : public ::testing::Test {
 protected:
  void SetUp() override {
    browser_ = chromium();
    if (browser_.empty()) GTEST_SKIP() << "chromium is not installed (apt-get install chromium): headless rendering not checked";
    dir_ = std::filesystem::temp_directory_path() / ("eb-report-html-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    html_ = dir_ / "report.html";
    write_file_atomically(html_, report_of_fixtures());
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }
  std::string flags() const {
    return "--headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir=" + (dir_ / "profile").string();
  }
  std::string browser_;
  std::filesystem::path dir_, html_;
};

TEST_F(ReportChromium, RendersEveryChartWithoutConsoleErrors) {
  const std::string dom = run("timeout 90 " + browser_ + " " + flags() + " --enable-logging=stderr --v=0 --dump-dom 'file://" +
                              html_.string() + "' 2>" + (dir_ / "console.txt").string());
  ASSERT_NE(dom.find("</html>"), std::string::npos) << "chromium printed no DOM";
  const auto svgs = charts(dom);
  EXPECT_EQ(svgs.size(), 8u);
  for (const auto& svg : svgs) EXPECT_NE(svg.find("class=\"mark"), std::string::npos);
  const std::string console = testing::read_text(dir_ / "console.txt");
  std::string errors;
  std::size_t start = 0;
  for (std::size_t nl; (nl = console.find('\n', start)) != std::string::npos; start = nl + 1) {
    const std::string line = console.substr(start, nl - start);
    if (line.find("CONSOLE") != std::string::npos || line.find("Uncaught") != std::string::npos) errors += line + "\n";
  }
  EXPECT_TRUE(errors.empty()) << errors;
}

TEST_F(ReportChromium, ScreenshotIsNotBlank) {
  const auto png = dir_ / "shot.png";
  run("timeout 90 " + browser_ + " " + flags() + " --screenshot=" + png.string() + " --window-size=1280,2000 'file://" +
      html_.string() + "' 2>/dev/null");
  ASSERT_TRUE(std::filesystem::exists(png)) << "no screenshot";
  const bench::RgbImage img = bench::read_rgb_image(png);
  EXPECT_EQ(img.width, 1280);
  std::size_t non_white = 0, coloured = 0;
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x) {
      const int r = img.at(x, y, 0), g = img.at(x, y, 1), b = img.at(x, y, 2);
      if (r < 240 || g < 240 || b < 240) ++non_white;
      if (std::abs(r - g) > 60 || std::abs(g - b) > 60 || std::abs(r - b) > 60) ++coloured;  // chart colours, not text
    }
  const double pixels = static_cast<double>(img.width) * img.height;
  EXPECT_GT(non_white / pixels, 0.02) << "the page looks blank";
  EXPECT_GT(coloured, 500u) << "no coloured chart marks visible";
}

}  // namespace
}  // namespace eb::reports
