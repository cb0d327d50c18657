// The COCO-style generator and reader together: pictures decode, sizes agree with the
// annotations, the generated case has every feature the evaluation treats specially.
#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "bench/accuracy/coco_eval.h"
#include "bench/accuracy/dataset_eval.h"
#include "bench/datasets/coco_dataset.h"
#include "bench/datasets/dataset_kind.h"
#include "bench/datasets/file_bytes.h"
#include "bench/datasets/synthetic_coco.h"
#include "tests/support/temp_dir.h"

namespace eb::bench {
namespace {

TEST(SyntheticCoco, CaseHasEveryFeature) {
  CocoCaseOptions o;
  o.images = 30;
  o.flood = 120;
  const CocoCase c = make_coco_case(o);
  const auto& anns = c.ground_truth.annotations;
  EXPECT_TRUE(std::any_of(anns.begin(), anns.end(), [](const auto& a) { return a.iscrowd; })) << "crowd regions";
  EXPECT_TRUE(std::any_of(anns.begin(), anns.end(), [](const auto& a) { return a.area < a.bbox.w * a.bbox.h - 1; }))
      << "segment areas smaller than their box";
  const auto images_with = [&](auto&& list) {
    std::set<std::int64_t> ids;
    for (const auto& x : list) ids.insert(x.image_id);
    return ids;
  };
  EXPECT_LT(images_with(anns).size(), c.ground_truth.images.size()) << "empty images";
  EXPECT_LT(images_with(c.detections).size(), c.ground_truth.images.size()) << "images without detections";
  EXPECT_TRUE(std::none_of(anns.begin(), anns.end(), [&](const auto& a) { return a.category_id == o.categories; }))
      << "a listed category without ground truth";
  EXPECT_TRUE(std::any_of(c.detections.begin(), c.detections.end(), [&](const auto& d) { return d.category_id > o.categories; }))
      << "detections of an unlisted category";
  const CocoEvaluation e = evaluate_coco(c.ground_truth, c.detections);
  EXPECT_GT(e.detections_beyond_max_dets, 0u);
  EXPECT_GT(e.summary.ap, 0.05);
  EXPECT_LT(e.summary.ap, 0.95);
  // Deterministic.
  EXPECT_EQ(to_json(make_coco_case(o).ground_truth), to_json(c.ground_truth));
}

TEST(SyntheticCoco, WrittenDatasetReadsBack) {
  test::TempDir dir;
  CocoDatasetOptions o;
  o.annotations.images = 5;
  o.format = ImageFormat::png;
  write_coco_dataset(dir.path(), o);
  EXPECT_EQ(detect_dataset_kind(dir.path()), DatasetKind::coco);
  CocoDataset ds = CocoDataset::open(dir.path());
  ASSERT_EQ(ds.size(), 5u);
  const CocoCase c = make_coco_case(o.annotations);
  for (std::size_t i = 0; i < ds.size(); ++i) {
    const RgbImage img = ds.load_image(i);
    const CocoImage& info = ds.ground_truth().images[i];
    EXPECT_EQ(img, render_coco_image(c.ground_truth, info, o.annotations.seed)) << "PNG is lossless";
  }
  // The shipped detections evaluate like the in-memory case.
  const auto dt = read_coco_detections(dir / "detections.json", ds.ground_truth());
  EXPECT_EQ(evaluate_coco(ds.ground_truth(), dt).summary.values(), evaluate_coco(c.ground_truth, c.detections).summary.values());
  // --limit keeps the first images and their annotations only.
  ds.limit(2);
  EXPECT_EQ(ds.size(), 2u);
  for (const auto& a : ds.ground_truth().annotations)
    EXPECT_TRUE(a.image_id == ds.ground_truth().images[0].id || a.image_id == ds.ground_truth().images[1].id);
}

TEST(SyntheticCoco, JpegDatasetAndCocoLayout) {
  // The COCO download's layout: annotations/instances_val.json and val/.
  test::TempDir dir;
  CocoDatasetOptions o;
  o.annotations.images = 2;
  write_coco_dataset(dir / "tmp", o);
  std::filesystem::create_directories(dir / "annotations");
  std::filesystem::rename(dir / "tmp" / "annotations.json", dir / "annotations" / "instances_val.json");
  std::filesystem::rename(dir / "tmp" / "images", dir / "val");
  const CocoDataset ds = CocoDataset::open(dir.path());
  EXPECT_EQ(ds.image_folder(), dir / "val");
  EXPECT_EQ(ds.load_image(1).width, ds.ground_truth().images[1].width);
}

TEST(SyntheticCoco, PictureProblemsNameTheEntry) {
  test::TempDir dir;
  CocoDatasetOptions o;
  o.annotations.images = 2;
  write_coco_dataset(dir.path(), o);
  std::filesystem::remove(dir / "images" / ("107.jpg"));
  const CocoDataset ds = CocoDataset::open(dir.path());
  try {
    ds.load_image(1);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("annotations.json: images[1] (id 107): picture"), std::string::npos) << e.what();
  }
  EXPECT_THROW(CocoDataset::open(dir / "nowhere"), std::invalid_argument);
}

TEST(DatasetEval, DetectionsFromNormalisedBoxes) {
  // A 640x480 picture stretched to 320x320: the model's normalised box maps to pixels.
  const ImageGeometry g = make_geometry(640, 480, PreprocessSpec{320, 320});
  const CocoDetection d = to_coco_detection(5, 3, 0.75, 0.1, 0.2, 0.6, 0.7, g);
  EXPECT_EQ(d.image_id, 5);
  EXPECT_EQ(d.category_id, 3);
  EXPECT_NEAR(d.bbox.x, 128, 1e-9);
  EXPECT_NEAR(d.bbox.y, 48, 1e-9);
  EXPECT_NEAR(d.bbox.w, 320, 1e-9);
  EXPECT_NEAR(d.bbox.h, 240, 1e-9);
  CocoGroundTruth gt;
  gt.images = {{5, "", 640, 480}};
  gt.categories = {{3, "car"}};
  gt.annotations = {{1, 5, 3, d.bbox, d.bbox.w * d.bbox.h, false}};
  const nlohmann::json j = evaluate_detections(gt, std::vector<CocoDetection>{d});
  EXPECT_EQ(j["metric"], "coco_bbox");
  EXPECT_DOUBLE_EQ(j["summary"]["AP"].get<double>(), 1.0);
}

}  // namespace
}  // namespace eb::bench
