// Dense-prediction data sets: the generator's folders read back exactly, and the dense
// evaluator scores predictions at the labels' resolution.
#include <gtest/gtest.h>

#include "bench/accuracy/dataset_eval.h"
#include "bench/datasets/dataset_kind.h"
#include "bench/datasets/dense_dataset.h"
#include "bench/datasets/file_bytes.h"
#include "bench/datasets/synthetic_dense.h"
#include "tests/support/temp_dir.h"

namespace eb::bench {
namespace {

TEST(DenseDataset, GeneratedPng16DatasetReadsBackExactly) {
  test::TempDir dir;
  DenseDatasetOptions o;
  o.images = 3;
  write_dense_dataset(dir.path(), o);
  EXPECT_EQ(detect_dataset_kind(dir.path()), DatasetKind::dense);
  DenseDataset ds = DenseDataset::open(dir.path());
  ASSERT_EQ(ds.size(), 3u);
  EXPECT_EQ(ds.info().num_classes, 7);
  EXPECT_EQ(ds.info().ignore_index, 255);
  EXPECT_EQ(ds.info().class_names.front(), "floor");
  EXPECT_EQ(ds.samples()[1].name, "0001");
  for (std::size_t i = 0; i < ds.size(); ++i) {
    const LoadedDenseSample s = ds.load(i);
    const DenseSampleData truth = make_dense_sample(o, static_cast<int>(i));
    EXPECT_EQ(s.image, truth.image);
    ASSERT_TRUE(s.label && s.depth);
    EXPECT_EQ(*s.label, truth.label);
    EXPECT_EQ(*s.depth, truth.depth) << "16-bit depth with scale round-trips exactly";
  }
  const auto labels = ds.load(0).label->values;
  EXPECT_TRUE(std::find(labels.begin(), labels.end(), 255) != labels.end()) << "an ignore band exists";
  ds.limit(1);
  EXPECT_EQ(ds.size(), 1u);
}

TEST(DenseDataset, NpyDepthAndJpegPictures) {
  test::TempDir dir;
  DenseDatasetOptions o;
  o.images = 2;
  o.depth_format = DepthFormat::npy;
  o.image_format = ImageFormat::jpeg;
  o.labels = false;
  write_dense_dataset(dir.path(), o);
  const DenseDataset ds = DenseDataset::open(dir.path());
  EXPECT_FALSE(ds.has_labels());
  const LoadedDenseSample s = ds.load(1);
  EXPECT_EQ(*s.depth, make_dense_sample(o, 1).depth);
  EXPECT_EQ(s.image.width, o.width);
}

TEST(DenseDataset, CityscapesStyleSuffixesAndNoManifestDefaults) {
  test::TempDir dir;
  std::filesystem::create_directories(dir / "leftImg8bit" / "aachen");
  std::filesystem::create_directories(dir / "gtFine" / "aachen");
  write_png(dir / "leftImg8bit" / "aachen" / "a_000001_leftImg8bit.png", RgbImage(4, 2));
  write_png(dir / "gtFine" / "aachen" / "a_000001_gtFine_labelTrainIds.png", GrayImage(4, 2));
  EXPECT_THROW(DenseDataset::open(dir.path()), std::invalid_argument) << "without suffixes the label is not found";
  write_file_text(dir / "dataset.json", R"({"image_suffix": "_leftImg8bit", "label_suffix": "_gtFine_labelTrainIds", "num_classes": 19})");
  const DenseDataset ds = DenseDataset::open(dir.path());
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds.samples()[0].name, "aachen/a_000001");
  EXPECT_EQ(ds.info().num_classes, 19);
  EXPECT_EQ(ds.load(0).label->width, 4);
}

TEST(DenseDataset, ProblemsAreNamed) {
  test::TempDir dir;
  write_dense_dataset(dir.path(), DenseDatasetOptions{.images = 2});
  std::filesystem::remove(dir / "labels" / "0001.png");
  try {
    DenseDataset::open(dir.path());
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("0001.png: no label map (expected"), std::string::npos) << e.what();
  }
  write_file_text(dir / "dataset.json", R"({"ignore_index": "255"})");
  try {
    DenseDataset::open(dir.path());
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("dataset.json: 'ignore_index' must be an integer"), std::string::npos) << e.what();
  }
  EXPECT_THROW(detect_dataset_kind(dir / "nothing"), std::invalid_argument);
}

// One-hot logits of a label map, at `scale` times the label's resolution.
Tensor one_hot(const GrayImage& labels, int classes) {
  Tensor t(DType::f32, {1, classes, labels.height, labels.width});
  auto v = t.data<float>();
  for (int y = 0; y < labels.height; ++y)
    for (int x = 0; x < labels.width; ++x) {
      const int c = labels.at(x, y) < classes ? labels.at(x, y) : 0;
      v[static_cast<std::size_t>((c * labels.height + y) * labels.width + x)] = 1;
    }
  return t;
}

TEST(DenseEvaluator, PerfectPredictionsScorePerfectly) {
  DenseDatasetOptions o;
  o.width = 32, o.height = 16;
  const DenseSampleData s = make_dense_sample(o, 0);
  const ImageGeometry same = make_geometry(32, 16, PreprocessSpec{32, 16});
  DenseEvaluator ev(o.num_classes, o.ignore_index);
  ev.add_segmentation(one_hot(s.label, o.num_classes), s.label, same);
  Tensor depth(DType::f32, {1, 1, 16, 32});
  std::copy(s.depth.metres.begin(), s.depth.metres.end(), depth.data<float>().begin());
  ev.add_depth(depth, s.depth, same);
  const nlohmann::json j = ev.result();
  EXPECT_DOUBLE_EQ(j["segmentation"]["pixel_accuracy"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(j["segmentation"]["miou"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(j["depth"]["rmse"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(j["depth"]["delta1"].get<double>(), 1.0);
  EXPECT_EQ(j["samples"]["segmentation"], 1);
}

TEST(DenseEvaluator, PredictionsAreTakenToTheLabelResolution) {
  // Labels 4x2: left half class 0, right half class 1. The model saw it stretched to 8x4
  // and predicts at 2x1 (one logit column per half): every pixel comes out right.
  GrayImage labels(4, 2);
  labels.values = {0, 0, 1, 1, 0, 0, 1, 1};
  const ImageGeometry g = make_geometry(4, 2, PreprocessSpec{8, 4});
  const Tensor logits = Tensor::from_f32({1, 2, 1, 2}, {1, 0,  //
                                                        0, 1});
  DenseEvaluator ev;  // classes from the prediction
  ev.add_segmentation(logits, labels, g);
  EXPECT_DOUBLE_EQ(ev.result()["segmentation"]["pixel_accuracy"].get<double>(), 1.0);
  GrayImage wrong_size(3, 2);
  EXPECT_THROW(ev.add_segmentation(logits, wrong_size, g), std::invalid_argument);
  EXPECT_THROW(ev.add_segmentation(Tensor(DType::f32, {1, 3, 1, 2}), labels, g), std::invalid_argument) << "3 classes, not 2";
}

TEST(DenseEvaluator, CropLeavesOutUnseenPixels) {
  // 8x2 picture centre-cropped to 2x2 (scale 1): only the middle two columns are seen.
  GrayImage labels(8, 2);
  const ImageGeometry g = make_geometry(8, 2, PreprocessSpec{2, 2, ResizeMode::center_crop});
  DenseEvaluator ev(2);
  ev.add_segmentation(Tensor(DType::f32, {1, 2, 2, 2}), labels, g);
  EXPECT_EQ(ev.result()["segmentation"]["labelled_pixels"], 4);
}

}  // namespace
}  // namespace eb::bench
