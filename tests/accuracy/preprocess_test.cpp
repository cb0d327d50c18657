// Shared preprocessing: geometry (stretch, letterbox, centre crop), scaling, and mapping
// predictions back to the original image.
#include <gtest/gtest.h>

#include "bench/datasets/preprocess.h"

namespace eb::bench {
namespace {

RgbImage ramp(int w, int h) {
  RgbImage img(w, h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      img.at(x, y, 0) = static_cast<std::uint8_t>(x);
      img.at(x, y, 1) = static_cast<std::uint8_t>(y);
      img.at(x, y, 2) = 100;
    }
  return img;
}

float at(const Tensor& t, int c, int y, int x) {
  const auto v = t.data<float>();
  return v[static_cast<std::size_t>((c * t.dim(2) + y) * t.dim(3) + x)];
}

TEST(Preprocess, SameSizeStretchOnlyScales) {
  PreprocessSpec spec;
  spec.width = 8, spec.height = 4;
  spec.mean = {127.5f, 127.5f, 127.5f};
  spec.std = {127.5f, 127.5f, 127.5f};
  const PreprocessedImage p = preprocess(ramp(8, 4), spec);
  EXPECT_EQ(p.tensor.shape(), (Shape{1, 3, 4, 8}));
  EXPECT_FLOAT_EQ(at(p.tensor, 0, 2, 5), (5 - 127.5f) / 127.5f);
  EXPECT_FLOAT_EQ(at(p.tensor, 1, 3, 0), (3 - 127.5f) / 127.5f);
  EXPECT_FLOAT_EQ(at(p.tensor, 2, 0, 0), (100 - 127.5f) / 127.5f);
}

TEST(Preprocess, DownscaleByTwoAveragesPairs) {
  // Half-pixel centres: output pixel x samples source 2x + 0.5, the mean of 2x and 2x+1.
  PreprocessSpec spec;
  spec.width = 4, spec.height = 2;
  const PreprocessedImage p = preprocess(ramp(8, 4), spec);
  EXPECT_FLOAT_EQ(at(p.tensor, 0, 0, 1), 2.5f);
  EXPECT_FLOAT_EQ(at(p.tensor, 1, 1, 0), 2.5f);
}

TEST(Preprocess, LetterboxGeometryAndBorder) {
  // 640x480 into 320x320: scale 1/2, content 320x240, 40 rows of border above and below.
  PreprocessSpec spec;
  spec.width = 320, spec.height = 320;
  spec.mode = ResizeMode::letterbox;
  spec.pad = 7;
  const ImageGeometry g = make_geometry(640, 480, spec);
  EXPECT_DOUBLE_EQ(g.scale_x, 0.5);
  EXPECT_DOUBLE_EQ(g.scale_y, 0.5);
  EXPECT_DOUBLE_EQ(g.offset_x, 0);
  EXPECT_DOUBLE_EQ(g.offset_y, 40);
  const BoxXywh b = g.to_source({10, 50, 100, 60});
  EXPECT_EQ(b, (BoxXywh{20, 20, 200, 120}));
  // Boxes in the border are clipped to the image.
  EXPECT_EQ(g.to_source({0, 0, 10, 20}), (BoxXywh{0, 0, 20, 0}));
  const PreprocessedImage p = preprocess(ramp(64, 48), PreprocessSpec{32, 32, ResizeMode::letterbox, {0, 0, 0}, {1, 1, 1}, 7});
  EXPECT_FLOAT_EQ(at(p.tensor, 0, 0, 10), 7.0f) << "border row";
  EXPECT_FLOAT_EQ(at(p.tensor, 0, 31, 10), 7.0f) << "border row";
  EXPECT_FLOAT_EQ(at(p.tensor, 2, 16, 10), 100.0f) << "content";
}

TEST(Preprocess, CenterCropGeometry) {
  // 640x480 to 320x320 by covering: scale 2/3, content 427x320, 54 columns cut on the left.
  PreprocessSpec spec;
  spec.width = 320, spec.height = 320;
  spec.mode = ResizeMode::center_crop;
  const ImageGeometry g = make_geometry(640, 480, spec);
  EXPECT_DOUBLE_EQ(g.scale_y, 320.0 / 480);
  EXPECT_DOUBLE_EQ(g.scale_x, 427.0 / 640);
  EXPECT_DOUBLE_EQ(g.offset_x, -54);  // floor((320 − 427)/2)
  EXPECT_DOUBLE_EQ(g.offset_y, 0);
}

TEST(Preprocess, NormalisedBoxesBackToPixels) {
  PreprocessSpec spec;
  spec.width = 320, spec.height = 320;
  const ImageGeometry g = make_geometry(640, 480, spec);  // stretch
  const BoxXywh b = g.normalized_to_source(0.25, 0.5, 0.75, 1.0);
  EXPECT_DOUBLE_EQ(b.x, 320);
  EXPECT_DOUBLE_EQ(b.y, 120);
  EXPECT_DOUBLE_EQ(b.w, 320);
  EXPECT_DOUBLE_EQ(b.h, 240);
}

TEST(Preprocess, ModelPresets) {
  const PreprocessSpec m = preprocess_spec_for("mobiledet-cpu", {1, 3, 320, 320});
  EXPECT_EQ(m.width, 320);
  EXPECT_FLOAT_EQ(m.mean[0], 127.5f);
  const PreprocessSpec v = preprocess_spec_for("m3vit", {2, 3, 128, 256});
  EXPECT_EQ(v.width, 256);
  EXPECT_EQ(v.height, 128);
  EXPECT_FLOAT_EQ(v.std[2], 0.225f * 255);
  EXPECT_THROW(preprocess_spec_for("resnet", {1, 3, 224, 224}), std::invalid_argument);
  EXPECT_THROW(preprocess_spec_for("m3vit", {1, 128, 256}), std::invalid_argument);
}

TEST(Preprocess, StackBatch) {
  PreprocessSpec spec;
  spec.width = 4, spec.height = 2;
  const Tensor a = preprocess(ramp(8, 4), spec).tensor, b = preprocess(ramp(4, 2), spec).tensor;
  const Tensor batch = stack_batch(std::vector<Tensor>{a, b});
  EXPECT_EQ(batch.shape(), (Shape{2, 3, 2, 4}));
  EXPECT_EQ(batch.data<float>()[24], b.data<float>()[0]);
  EXPECT_THROW(stack_batch(std::vector<Tensor>{a, Tensor(DType::f32, {1, 3, 2, 5})}), std::invalid_argument);
}

}  // namespace
}  // namespace eb::bench
