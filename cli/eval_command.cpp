// edgebench eval: scores predictions written by any tool against a data set's ground truth.
//   edgebench eval coco --gt ANNOTATIONS.json --detections RESULTS.json [--format table|json]
// prints the 12 standard COCO numbers (bench/accuracy/coco_eval.h); the JSON has them as
// fractions under the keys AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl,
// beside per_category, counts and notes.
#include <memory>

#include <fmt/format.h>

#include "bench/accuracy/coco_eval.h"
#include "bench/datasets/coco_json.h"
#include "cli/commands.h"

namespace eb::cli {
namespace {

struct CocoEvalOptions {
  std::string ground_truth;
  std::string detections;
  std::string format = "table";
};

void eval_coco(const CocoEvalOptions& o) {
  const bench::CocoGroundTruth gt = bench::read_coco_ground_truth(o.ground_truth);
  const std::vector<bench::CocoDetection> dt = bench::read_coco_detections(o.detections, gt);
  const bench::CocoEvaluation e = bench::evaluate_coco(gt, dt);
  if (o.format == "json") {
    nlohmann::json j = bench::summary_json(e.summary);
    const nlohmann::json rest = bench::to_json(e);
    for (const char* key : {"per_category", "images", "detections", "detections_of_unknown_category",
                            "detections_beyond_max_dets", "notes"})
      j[key] = rest[key];
    fmt::print("{}\n", j.dump(2));
    return;
  }
  fmt::print("{} images, {} categories, {} detections\n", e.images, e.categories.size(), e.detections);
  fmt::print("{}", bench::format_summary(e.summary));
  for (const std::string& note : e.notes) fmt::print("note: {}\n", note);
}

}  // namespace

void add_eval_command(CLI::App& app, const Context&) {
  CLI::App* cmd = app.add_subcommand("eval", "Score predictions from any tool against ground truth");
  cmd->require_subcommand(1);
  auto coco = std::make_shared<CocoEvalOptions>();
  CLI::App* c = cmd->add_subcommand("coco", "COCO bounding-box AP/AR of a results file (the 12 numbers of pycocotools)");
  c->add_option("--gt", coco->ground_truth, "Ground truth in COCO instances format (JSON)")->required();
  c->add_option("--detections", coco->detections, "Detections in COCO results format (JSON array)")->required();
  c->add_option("--format", coco->format, "Output format")->check(CLI::IsMember({"table", "json"}))->capture_default_str();
  c->callback([coco] { eval_coco(*coco); });
}

}  // namespace eb::cli
