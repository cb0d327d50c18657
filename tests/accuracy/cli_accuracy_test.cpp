// End to end through the edgebench binary: make-dataset writes a small set, eval scores a
// results file, and run --dataset puts fidelity and data-set metrics into the records of
// the reference and CPU backends. Skipped (saying why) when the binary has not been built.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../cli/cli_runner.h"
#include "bench/accuracy/coco_eval.h"
#include "bench/datasets/coco_json.h"
#include "bench/datasets/dense_dataset.h"
#include "core/registry.h"

namespace eb::bench {
namespace {

namespace fs = std::filesystem;
using test::run_cli;

class CliAccuracy : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(EB_CLI)) GTEST_SKIP() << "the edgebench binary is not built (" << EB_CLI << ")";
  }
  test::TempDir dir;

  std::string make_coco(const std::string& name) {
    const test::CliResult r =
        run_cli({"make-dataset", "coco", "--out", dir / name, "--images", "2", "--width", "96", "--height", "72", "--seed", "3"});
    EXPECT_EQ(r.status, 0) << r.err;
    return dir / name;
  }
};

// The last line of stderr: main() reports an error as one line "edgebench: error: ...".
std::string last_error_line(const test::CliResult& r) {
  const auto lines = r.err_lines();
  return lines.empty() ? "" : lines.back();
}

TEST_F(CliAccuracy, EvalCocoPrintsThe12NumbersOfTheLibrary) {
  const std::string set = make_coco("coco");
  ASSERT_TRUE(fs::exists(set + "/annotations.json"));
  ASSERT_TRUE(fs::exists(set + "/detections.json"));
  const test::CliResult r =
      run_cli({"eval", "coco", "--gt", set + "/annotations.json", "--detections", set + "/detections.json", "--format", "json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  const CocoGroundTruth gt = read_coco_ground_truth(set + "/annotations.json");
  const CocoSummary expected = evaluate_coco(gt, read_coco_detections(set + "/detections.json", gt)).summary;
  const auto v = expected.values();
  for (std::size_t i = 0; i < kCocoSummaryKeys.size(); ++i)
    EXPECT_EQ(j.at(std::string(kCocoSummaryKeys[i])).get<double>(), v[i]) << kCocoSummaryKeys[i];

  const test::CliResult table = run_cli({"eval", "coco", "--gt", set + "/annotations.json", "--detections", set + "/detections.json"});
  ASSERT_EQ(table.status, 0) << table.err;
  EXPECT_NE(table.out.find("Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ]"), std::string::npos) << table.out;
}

TEST_F(CliAccuracy, EvalCocoRejectsMalformedFilesInOneLine) {
  const std::string set = make_coco("coco");
  nlohmann::json gt = nlohmann::json::parse(test::read_file(set + "/annotations.json"));
  gt["annotations"][1].erase("bbox");
  const std::string broken = dir / "broken.json";
  std::ofstream(broken) << gt.dump();
  const test::CliResult r = run_cli({"eval", "coco", "--gt", broken, "--detections", set + "/detections.json"});
  EXPECT_NE(r.status, 0);
  const std::string line = last_error_line(r);
  EXPECT_NE(line.find(broken + ": annotations[1]"), std::string::npos) << r.err;
  EXPECT_NE(line.find("missing field 'bbox'"), std::string::npos) << r.err;

  const std::string stray = dir / "stray.json";
  std::ofstream(stray) << R"([{"image_id": 999, "category_id": 1, "bbox": [0, 0, 1, 1], "score": 0.5}])";
  const test::CliResult s = run_cli({"eval", "coco", "--gt", set + "/annotations.json", "--detections", stray});
  EXPECT_NE(s.status, 0);
  EXPECT_NE(last_error_line(s).find(stray + ": detections[0]: image_id 999 does not exist in the ground truth"), std::string::npos) << s.err;
}

TEST_F(CliAccuracy, MakeDatasetDenseWritesAReadableSetAndNeverOverwrites) {
  const std::string out = dir / "dense";
  const test::CliResult r = run_cli({"make-dataset", "dense", "--out", out, "--images", "3", "--width", "40", "--height", "20",
                                     "--classes", "5", "--depth", "npy"});
  ASSERT_EQ(r.status, 0) << r.err;
  const DenseDataset ds = DenseDataset::open(out);
  EXPECT_EQ(ds.size(), 3u);
  EXPECT_TRUE(ds.has_labels());
  EXPECT_TRUE(ds.has_depth());
  EXPECT_EQ(ds.info().num_classes, 5);
  const LoadedDenseSample s = ds.load(2);
  EXPECT_EQ(s.image.width, 40);
  EXPECT_EQ(s.depth->height, 20);

  const test::CliResult again = run_cli({"make-dataset", "dense", "--out", out});
  EXPECT_NE(again.status, 0);
  EXPECT_NE(last_error_line(again).find("folder is not empty"), std::string::npos) << again.err;
}

TEST_F(CliAccuracy, RunWithADatasetRecordsMetricsForReferenceAndCpu) {
  const std::string set = make_coco("coco");
  std::vector<std::string> backends = {"reference"};
  const BackendRegistry registry = make_backend_registry();
  const bool cpu = registry.get("cpu").probe().available;
  if (cpu) backends.push_back("cpu");
  std::string list;
  for (const auto& b : backends) list += (list.empty() ? "" : ",") + b;
  const test::CliResult r = run_cli({"run", "--model", "mobiledet-cpu", "--backend", list, "--dataset", set, "--limit", "2",
                                     "--iterations", "1", "--warmup", "0", "--samples", "1", "--out", dir / "records", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  nlohmann::json records = nlohmann::json::parse(r.out);
  if (!records.is_array()) records = nlohmann::json::array({records});
  ASSERT_EQ(records.size(), backends.size());
  for (const nlohmann::json& rec : records) {
    const std::string backend = rec.at("backend").at("name");
    SCOPED_TRACE(backend);
    const nlohmann::json& acc = rec.at("accuracy");
    const nlohmann::json& d = acc.at("dataset");
    EXPECT_EQ(d.at("metric"), "coco_bbox");
    EXPECT_EQ(d.at("images").get<int>(), 2);
    EXPECT_EQ(d.at("provenance").at("kind"), "measured");
    for (const auto key : kCocoSummaryKeys) {
      const double v = d.at("summary").at(std::string(key)).get<double>();
      EXPECT_TRUE(v == -1 || (v >= 0 && v <= 1)) << key << " = " << v;
    }
    const nlohmann::json& f = acc.at("fidelity");
    if (backend == "reference") {
      EXPECT_NE(f.at("skipped").get<std::string>().find("is the reference"), std::string::npos);
    } else {
      EXPECT_EQ(f.at("provenance").at("kind"), "measured");
      EXPECT_GE(f.at("min_cosine").get<double>(), 0.99);  // fp32 oneDNN against fp64-accumulated reference
      EXPECT_LT(f.at("max_relative_l2").get<double>(), 1e-2);
      EXPECT_TRUE(f.at("outputs").contains("class_logits"));
      EXPECT_GE(f.at("outputs").at("class_logits").at("argmax_agreement").get<double>(), 0.99);
      EXPECT_GT(f.at("detections").at("reference_detections").get<int>(), 0);
      EXPECT_GE(f.at("detections").at("reference_as_ground_truth").at("AP50").get<double>(), 0.9);
    }
  }
  if (!cpu) GTEST_SKIP() << "the CPU backend is not available here: only the reference record was checked";
}

TEST_F(CliAccuracy, RunWithoutADatasetStillRecordsFidelity) {
  const test::CliResult r = run_cli({"run", "--model", "mobiledet-cpu", "--backend", "reference", "--iterations", "1", "--warmup",
                                     "0", "--samples", "1", "--out", dir / "records", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const nlohmann::json rec = nlohmann::json::parse(r.out);
  EXPECT_TRUE(rec.at("accuracy").at("fidelity").contains("skipped"));
  EXPECT_FALSE(rec.at("accuracy").contains("dataset"));
}

TEST_F(CliAccuracy, RunRefusesADatasetThatDoesNotFitBeforeRunning) {
  const std::string set = make_coco("coco");
  const test::CliResult wrong = run_cli({"run", "--model", "m3vit", "--backend", "reference", "--dataset", set, "--out", dir / "r"});
  EXPECT_EQ(wrong.status, 2) << wrong.err;
  EXPECT_NE(last_error_line(wrong).find("needs a dense data set"), std::string::npos) << wrong.err;
  EXPECT_FALSE(fs::exists(dir / "r")) << "nothing should have run";

  const test::CliResult limit = run_cli({"run", "--model", "m3vit", "--backend", "reference", "--limit", "2", "--out", dir / "r"});
  EXPECT_EQ(limit.status, 2) << limit.err;
  EXPECT_NE(last_error_line(limit).find("--limit needs --dataset"), std::string::npos) << limit.err;
}

}  // namespace
}  // namespace eb::bench
