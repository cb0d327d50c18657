// edgebench's COCO evaluation against pycocotools, the COCO evaluation's own code, on
// generated cases: all 12 summary numbers must agree to 1e-6. Skipped (with the reason)
// where pycocotools cannot be imported; install it with `pip install pycocotools`.
#include <array>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "bench/accuracy/coco_eval.h"
#include "bench/datasets/file_bytes.h"
#include "bench/datasets/synthetic_coco.h"
#include "temp_dir.h"

namespace eb::bench {
namespace {

struct CommandResult {
  int status = -1;
  std::string output;
};

CommandResult run(const std::string& command) {
  CommandResult r;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), static_cast<int>(buf.size()), pipe) != nullptr) r.output += buf.data();
  r.status = ::pclose(pipe);
  return r;
}

bool pycocotools_available() {
  static const bool available = run("python3 -c 'import pycocotools.cocoeval' >/dev/null 2>&1").status == 0;
  return available;
}

// Our 12 numbers and pycocotools' for one case; returns the largest difference.
double compare_with_pycocotools(const CocoGroundTruth& gt, const std::vector<CocoDetection>& dt, const std::string& label) {
  test::TempDir dir;
  write_file_text(dir / "gt.json", to_json(gt).dump());
  write_file_text(dir / "dt.json", detections_to_json(dt).dump());
  // Through the files, as a user's would go: the readers are part of what is checked.
  const CocoGroundTruth gt_read = read_coco_ground_truth(dir / "gt.json");
  const CocoSummary ours = evaluate_coco(gt_read, read_coco_detections(dir / "dt.json", gt_read)).summary;
  const CommandResult ref = run("python3 '" EB_SOURCE_DIR "/tools/coco_crosscheck.py' '" + (dir / "gt.json").string() + "' '" +
                                (dir / "dt.json").string() + "' 2>/dev/null");
  EXPECT_EQ(ref.status, 0) << label << ": pycocotools failed: " << ref.output;
  if (ref.status != 0) return INFINITY;
  const nlohmann::json theirs = nlohmann::json::parse(ref.output);
  double worst = 0;
  const auto v = ours.values();
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string key(kCocoSummaryKeys[i]);
    const double diff = std::abs(v[i] - theirs.at(key).get<double>());
    worst = std::max(worst, diff);
    EXPECT_LE(diff, 1e-6) << label << " " << key << ": edgebench " << v[i] << ", pycocotools " << theirs.at(key).get<double>();
  }
  std::printf("[ pycocotools ] %-28s max |difference| over the 12 numbers = %.3g\n", label.c_str(), worst);
  return worst;
}

class CocoCrosscheck : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!pycocotools_available()) GTEST_SKIP() << "pycocotools is not importable by python3 (pip install pycocotools)";
  }
};

TEST_F(CocoCrosscheck, GeneratedCases) {
  struct Case {
    const char* label;
    CocoCaseOptions options;
  };
  std::vector<Case> cases;
  const auto add = [&](const char* label, auto tweak) {
    CocoCaseOptions o;
    tweak(o);
    cases.push_back({label, o});
  };
  add("default", [](CocoCaseOptions& o) { o.seed = 1; });
  add("many images", [](CocoCaseOptions& o) { o.seed = 2, o.images = 40, o.categories = 6; });
  add("crowd-heavy", [](CocoCaseOptions& o) { o.seed = 3, o.images = 20, o.crowd_fraction = 0.5; });
  add("empty and undetected images", [](CocoCaseOptions& o) { o.seed = 4, o.images = 20, o.empty_fraction = 0.4, o.undetected_fraction = 0.4; });
  add("beyond maxDets", [](CocoCaseOptions& o) { o.seed = 5, o.images = 10, o.flood = 150; });
  add("score ties", [](CocoCaseOptions& o) { o.seed = 6, o.images = 25, o.score_step = 0.05, o.flood = 120; });
  add("coarse ties", [](CocoCaseOptions& o) { o.seed = 7, o.images = 12, o.score_step = 0.25; });
  add("one category", [](CocoCaseOptions& o) { o.seed = 8, o.images = 15, o.categories = 1; });
  add("dense scenes", [](CocoCaseOptions& o) { o.seed = 9, o.images = 10, o.max_objects = 30, o.false_positives = 20; });
  add("no images", [](CocoCaseOptions& o) { o.seed = 10, o.images = 0; });
  double worst = 0;
  for (const Case& c : cases) {
    const CocoCase generated = make_coco_case(c.options);
    worst = std::max(worst, compare_with_pycocotools(generated.ground_truth, generated.detections, c.label));
  }
  std::printf("[ pycocotools ] worst over %zu generated cases = %.3g\n", cases.size(), worst);
}

TEST_F(CocoCrosscheck, NoDetectionsAtAll) {
  const CocoCase c = make_coco_case({});
  compare_with_pycocotools(c.ground_truth, {}, "no detections at all");
}

TEST_F(CocoCrosscheck, ValuesOnTheBoundaries) {
  // IoU exactly on thresholds, areas exactly on range bounds, equal IoU with two boxes,
  // crowd and regular boxes overlapping, zero-size detections.
  CocoGroundTruth gt;
  gt.source = "boundaries";
  for (int i = 1; i <= 3; ++i) gt.images.push_back({i, "", 200, 200});
  gt.categories = {{1, "a"}, {2, "b"}, {3, "never annotated"}};
  gt.annotations = {
      {1, 1, 1, {0, 0, 32, 32}, 1024, false},    // area exactly 32²
      {2, 1, 1, {100, 100, 96, 96}, 9216, false},  // area exactly 96²
      {3, 1, 2, {0, 0, 10, 10}, 100, false},
      {4, 1, 2, {0, 0, 10, 10}, 100, false},      // a duplicate: equal IoU with both
      {5, 2, 1, {0, 0, 100, 100}, 10000, true},   // crowd ...
      {6, 2, 1, {10, 10, 20, 20}, 400, false},    // ... with a regular box inside it
      {7, 3, 2, {50, 50, 40, 40}, 1000, false},
  };
  const std::vector<CocoDetection> dt = {
      {1, 1, {0, 0, 32, 16}, 0.9},     // IoU 0.5 exactly
      {1, 1, {100, 100, 96, 72}, 0.9},  // IoU 0.75 exactly
      {1, 2, {0, 0, 10, 10}, 0.8},
      {1, 2, {0, 0, 10, 10}, 0.8},
      {1, 2, {0, 0, 10, 10}, 0.7},
      {2, 1, {10, 10, 20, 20}, 0.6},
      {2, 1, {12, 12, 20, 20}, 0.6},
      {2, 1, {50, 50, 0, 10}, 0.95},  // zero width
      {3, 2, {50, 50, 40, 30}, 0.5},
      {3, 3, {0, 0, 5, 5}, 0.4},
  };
  compare_with_pycocotools(gt, dt, "boundaries");
}

}  // namespace
}  // namespace eb::bench
