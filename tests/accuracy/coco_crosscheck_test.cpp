// edgebench's COCO evaluation against pycocotools, the COCO evaluation's own code, on
// generated cases: all 12 summary numbers must agree to 1e-6. Skipped (with the reason)
// where pycocotools cannot be imported; install it with `pip install pycocotools`.
#include <array>
#include <cmath>
#include <cstdio>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <sys/wait.h>

#include <gtest/gtest.h>

#include "bench/accuracy/coco_eval.h"
#include "bench/datasets/file_bytes.h"
#include "bench/datasets/synthetic_coco.h"
#include "tests/support/temp_dir.h"

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

struct Case {
  std::string label;
  CocoGroundTruth ground_truth;
  std::vector<CocoDetection> detections;
};

// Our 12 numbers and pycocotools' for every case, compared to 1e-6. pycocotools runs once
// for all cases (a Python start costs seconds). Skips the test when python3 or
// pycocotools is missing, fails on any other problem of the script.
void compare_with_pycocotools(const std::vector<Case>& cases) {
  test::TempDir dir;
  std::string args;
  std::vector<CocoSummary> ours;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto gt_path = dir / ("gt" + std::to_string(i) + ".json"), dt_path = dir / ("dt" + std::to_string(i) + ".json");
    write_file_text(gt_path, to_json(cases[i].ground_truth).dump());
    write_file_text(dt_path, detections_to_json(cases[i].detections).dump());
    // Through the files, as a user's would go: the readers are part of what is checked.
    const CocoGroundTruth gt_read = read_coco_ground_truth(gt_path);
    ours.push_back(evaluate_coco(gt_read, read_coco_detections(dt_path, gt_read)).summary);
    args += " '" + gt_path.string() + "' '" + dt_path.string() + "'";
  }
  const auto err = dir / "stderr.txt";
  const CommandResult ref = run("python3 '" EB_SOURCE_DIR "/tools/coco_crosscheck.py'" + args + " 2>'" + err.string() + "'");
  if (ref.status != 0) {
    const std::string why = read_file_text(err);
    if (why.find("No module named") != std::string::npos || WEXITSTATUS(ref.status) == 127)
      GTEST_SKIP() << "pycocotools is not importable by python3 (pip install pycocotools): " << why.substr(0, 300);
    FAIL() << "pycocotools failed: " << why;
  }
  std::istringstream lines(ref.output);
  double worst = 0;
  for (std::size_t c = 0; c < cases.size(); ++c) {
    std::string line;
    ASSERT_TRUE(std::getline(lines, line)) << "pycocotools printed " << c << " of " << cases.size() << " results";
    const nlohmann::json theirs = nlohmann::json::parse(line);
    const auto v = ours[c].values();
    double case_worst = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
      const std::string key(kCocoSummaryKeys[i]);
      const double diff = std::abs(v[i] - theirs.at(key).get<double>());
      case_worst = std::max(case_worst, diff);
      EXPECT_LE(diff, 1e-6) << cases[c].label << " " << key << ": edgebench " << v[i] << ", pycocotools " << theirs.at(key).get<double>();
    }
    std::printf("[ pycocotools ] %-28s AP %.4f, max |difference| over the 12 numbers = %.3g\n", cases[c].label.c_str(), v[0],
                case_worst);
    worst = std::max(worst, case_worst);
  }
  std::printf("[ pycocotools ] worst over %zu cases = %.3g\n", cases.size(), worst);
}

// IoU exactly on thresholds, areas exactly on range bounds, equal IoU with two boxes,
// crowd and regular boxes overlapping, zero-size detections.
Case boundaries() {
  Case c;
  c.label = "boundaries";
  CocoGroundTruth& gt = c.ground_truth;
  gt.source = "boundaries";
  for (int i = 1; i <= 3; ++i) gt.images.push_back({i, "", 200, 200});
  gt.categories = {{1, "a"}, {2, "b"}, {3, "never annotated"}};
  gt.annotations = {
      {1, 1, 1, {0, 0, 32, 32}, 1024, false},      // area exactly 32²
      {2, 1, 1, {100, 100, 96, 96}, 9216, false},  // area exactly 96²
      {3, 1, 2, {0, 0, 10, 10}, 100, false},
      {4, 1, 2, {0, 0, 10, 10}, 100, false},       // a duplicate: equal IoU with both
      {5, 2, 1, {0, 0, 100, 100}, 10000, true},    // crowd ...
      {6, 2, 1, {10, 10, 20, 20}, 400, false},     // ... with a regular box inside it
      {7, 3, 2, {50, 50, 40, 40}, 1000, false},
  };
  c.detections = {
      {1, 1, {0, 0, 32, 16}, 0.9},      // IoU 0.5 exactly
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
  return c;
}

TEST(CocoCrosscheck, AgreesWithPycocotoolsOnGeneratedCases) {
  std::vector<Case> cases;
  const auto add = [&](const char* label, auto tweak) {
    CocoCaseOptions o;
    tweak(o);
    CocoCase generated = make_coco_case(o);
    cases.push_back({label, std::move(generated.ground_truth), std::move(generated.detections)});
  };
  // Every case also has a listed category without ground truth and detections of a
  // category the ground truth does not list (synthetic_coco.h).
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
  add("small images", [](CocoCaseOptions& o) { o.seed = 11, o.images = 30, o.width = 48, o.height = 40; });
  add("large images", [](CocoCaseOptions& o) { o.seed = 12, o.images = 10, o.width = 900, o.height = 700; });
  {
    CocoCase c = make_coco_case({});
    cases.push_back({"no detections at all", std::move(c.ground_truth), {}});
  }
  cases.push_back(boundaries());
  compare_with_pycocotools(cases);
}

}  // namespace
}  // namespace eb::bench
