// PNG and JPEG round trips through libpng/libjpeg-turbo, and their refusals.
#include <cmath>

#include <gtest/gtest.h>

#include "bench/datasets/file_bytes.h"
#include "bench/datasets/image_codec.h"
#include "bench/datasets/synthetic_coco.h"
#include "tests/support/temp_dir.h"

namespace eb::bench {
namespace {

RgbImage generated_picture() {
  CocoCaseOptions o;
  o.seed = 3;
  o.images = 1;
  o.empty_fraction = 0;
  const CocoCase c = make_coco_case(o);
  return render_coco_image(c.ground_truth, c.ground_truth.images.front(), o.seed);
}

std::string error_of(auto&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

TEST(ImageCodec, PngRgbRoundTripIsExact) {
  test::TempDir dir;
  const RgbImage img = generated_picture();
  write_png(dir / "a.png", img);
  EXPECT_EQ(read_rgb_image(dir / "a.png"), img);
}

TEST(ImageCodec, JpegRoundTripIsClose) {
  test::TempDir dir;
  const RgbImage img = generated_picture();
  write_jpeg(dir / "a.jpg", img, 95);
  const RgbImage back = read_rgb_image(dir / "a.jpg");
  ASSERT_EQ(back.width, img.width);
  ASSERT_EQ(back.height, img.height);
  double total = 0;
  for (std::size_t i = 0; i < img.pixels.size(); ++i) total += std::abs(int(img.pixels[i]) - int(back.pixels[i]));
  EXPECT_LT(total / static_cast<double>(img.pixels.size()), 3.0) << "mean absolute error of a quality-95 JPEG";
}

TEST(ImageCodec, GrayPngKeepsRawValues) {
  GrayImage labels(5, 3, 8);
  for (std::size_t i = 0; i < labels.values.size(); ++i) labels.values[i] = static_cast<std::uint16_t>(i == 7 ? 255 : i % 4);
  EXPECT_EQ(decode_gray_png(encode_png(labels), "labels.png"), labels);

  GrayImage depth(4, 4, 16);
  for (std::size_t i = 0; i < depth.values.size(); ++i) depth.values[i] = static_cast<std::uint16_t>(i == 15 ? 65535 : 1000 * i + 7);
  const GrayImage back = decode_gray_png(encode_png(depth), "depth.png");
  EXPECT_EQ(back, depth);
  EXPECT_EQ(back.bit_depth, 16);
  EXPECT_EQ(back.values.back(), 65535);
}

TEST(ImageCodec, GrayPngReadsAsRgbToo) {
  GrayImage g(2, 1, 8);
  g.values = {10, 200};
  const RgbImage rgb = decode_rgb(encode_png(g), "g.png");
  EXPECT_EQ(rgb.pixels, (std::vector<std::uint8_t>{10, 10, 10, 200, 200, 200}));
}

TEST(ImageCodec, RefusalsNameTheFile) {
  const std::vector<std::uint8_t> text = {'h', 'e', 'l', 'l', 'o'};
  EXPECT_NE(error_of([&] { decode_rgb(text, "x.png"); }).find("x.png: not a PNG or JPEG file"), std::string::npos);

  std::vector<std::uint8_t> png = encode_png(generated_picture());
  png.resize(png.size() / 2);
  const std::string truncated = error_of([&] { decode_rgb(png, "cut.png"); });
  EXPECT_EQ(truncated.rfind("cut.png: ", 0), 0u) << truncated;

  std::vector<std::uint8_t> jpeg = encode_jpeg(generated_picture());
  for (std::size_t i = 20; i < 200; ++i) jpeg[i] = 0xff;  // wreck the tables
  const std::string broken = error_of([&] { decode_rgb(jpeg, "bad.jpg"); });
  EXPECT_EQ(broken.rfind("bad.jpg: ", 0), 0u) << broken;

  const std::string colour = error_of([&] { decode_gray_png(encode_png(generated_picture()), "label.png"); });
  EXPECT_NE(colour.find("label.png: expected a single-channel PNG"), std::string::npos) << colour;
  const std::string lossy = error_of([&] { decode_gray_png(encode_jpeg(generated_picture()), "depth.jpg"); });
  EXPECT_NE(lossy.find("depth.jpg: a label or depth map must be a PNG"), std::string::npos) << lossy;

  test::TempDir dir;
  EXPECT_NE(error_of([&] { read_rgb_image(dir / "none.png"); }).find("none.png: cannot open"), std::string::npos);
}

TEST(ImageCodec, EncodersCheckTheirInput) {
  EXPECT_THROW(encode_png(RgbImage{}), std::invalid_argument);
  EXPECT_THROW(encode_jpeg(RgbImage(2, 2), 0), std::invalid_argument);
  GrayImage too_big(1, 1, 8);
  too_big.values = {300};
  EXPECT_THROW(encode_png(too_big), std::invalid_argument);
}

}  // namespace
}  // namespace eb::bench
