#include "bench/datasets/preprocess.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace eb::bench {

BoxXywh ImageGeometry::to_source(const BoxXywh& b) const {
  const double x0 = std::clamp((b.x - offset_x) / scale_x, 0.0, static_cast<double>(source_width));
  const double y0 = std::clamp((b.y - offset_y) / scale_y, 0.0, static_cast<double>(source_height));
  const double x1 = std::clamp((b.x + b.w - offset_x) / scale_x, 0.0, static_cast<double>(source_width));
  const double y1 = std::clamp((b.y + b.h - offset_y) / scale_y, 0.0, static_cast<double>(source_height));
  return {x0, y0, std::max(x1 - x0, 0.0), std::max(y1 - y0, 0.0)};
}

BoxXywh ImageGeometry::normalized_to_source(double ymin, double xmin, double ymax, double xmax) const {
  const double x0 = xmin * input_width, y0 = ymin * input_height;
  return to_source({x0, y0, xmax * input_width - x0, ymax * input_height - y0});
}

ImageGeometry make_geometry(int source_width, int source_height, const PreprocessSpec& spec) {
  if (spec.width <= 0 || spec.height <= 0)
    throw std::invalid_argument("preprocessing needs the model's input size, not " + std::to_string(spec.width) + "x" +
                                std::to_string(spec.height));
  if (source_width <= 0 || source_height <= 0)
    throw std::invalid_argument("cannot preprocess an empty image (" + std::to_string(source_width) + "x" +
                                std::to_string(source_height) + ")");
  ImageGeometry g;
  g.source_width = source_width;
  g.source_height = source_height;
  g.input_width = spec.width;
  g.input_height = spec.height;
  const double sx = static_cast<double>(spec.width) / source_width, sy = static_cast<double>(spec.height) / source_height;
  if (spec.mode == ResizeMode::stretch) {
    g.scale_x = sx;
    g.scale_y = sy;
    return g;
  }
  // Letterbox fits, crop covers; the scaled content is rounded to whole pixels and centred.
  const double s = spec.mode == ResizeMode::letterbox ? std::min(sx, sy) : std::max(sx, sy);
  const double content_w = std::max(1.0, std::round(source_width * s)), content_h = std::max(1.0, std::round(source_height * s));
  g.scale_x = content_w / source_width;
  g.scale_y = content_h / source_height;
  g.offset_x = std::floor((spec.width - content_w) / 2);
  g.offset_y = std::floor((spec.height - content_h) / 2);
  return g;
}

namespace {

// Source coordinate and weights of a bilinear sample along one axis.
struct Tap {
  int i0, i1;
  float w1;
};

Tap tap(double input_coord, double scale, double offset, int source_size) {
  double s = (input_coord + 0.5 - offset) / scale - 0.5;
  s = std::clamp(s, 0.0, static_cast<double>(source_size - 1));
  const int i0 = static_cast<int>(s);
  return {i0, std::min(i0 + 1, source_size - 1), static_cast<float>(s - i0)};
}

}  // namespace

PreprocessedImage preprocess(const RgbImage& image, const PreprocessSpec& spec) {
  for (int c = 0; c < 3; ++c)
    if (!(spec.std[static_cast<std::size_t>(c)] != 0)) throw std::invalid_argument("preprocessing std must not be zero");
  const ImageGeometry g = make_geometry(image.width, image.height, spec);
  const int W = spec.width, H = spec.height;
  Tensor t(DType::f32, {1, 3, H, W});
  auto out = t.data<float>();
  // Where the scaled content lies in the input; outside it is letterbox border.
  const double cx0 = g.offset_x, cx1 = g.offset_x + g.scale_x * image.width;
  const double cy0 = g.offset_y, cy1 = g.offset_y + g.scale_y * image.height;
  for (int y = 0; y < H; ++y) {
    const Tap ty = tap(y, g.scale_y, g.offset_y, image.height);
    const bool row_inside = y + 0.5 >= cy0 && y + 0.5 < cy1;
    for (int x = 0; x < W; ++x) {
      const bool inside = row_inside && x + 0.5 >= cx0 && x + 0.5 < cx1;
      const Tap tx = tap(x, g.scale_x, g.offset_x, image.width);
      for (int c = 0; c < 3; ++c) {
        float v = spec.pad;
        if (inside) {
          const float top = image.at(tx.i0, ty.i0, c) * (1 - tx.w1) + image.at(tx.i1, ty.i0, c) * tx.w1;
          const float bottom = image.at(tx.i0, ty.i1, c) * (1 - tx.w1) + image.at(tx.i1, ty.i1, c) * tx.w1;
          v = top * (1 - ty.w1) + bottom * ty.w1;
        }
        const auto ch = static_cast<std::size_t>(c);
        out[(ch * static_cast<std::size_t>(H) + static_cast<std::size_t>(y)) * static_cast<std::size_t>(W) + static_cast<std::size_t>(x)] =
            (v - spec.mean[ch]) / spec.std[ch];
      }
    }
  }
  return {std::move(t), g};
}

Tensor stack_batch(std::span<const Tensor> images) {
  if (images.empty()) throw std::invalid_argument("stack_batch: no images");
  const Shape& first = images.front().shape();
  if (first.size() != 4 || first[0] != 1) throw std::invalid_argument("stack_batch: expected [1, C, H, W], got " + to_string(first));
  Shape shape = first;
  shape[0] = static_cast<std::int64_t>(images.size());
  Tensor out(images.front().dtype(), shape);
  auto dst = out.bytes();
  std::size_t at = 0;
  for (const Tensor& t : images) {
    if (t.shape() != first || t.dtype() != images.front().dtype())
      throw std::invalid_argument("stack_batch: shapes differ (" + to_string(first) + " and " + to_string(t.shape()) + ")");
    std::copy(t.bytes().begin(), t.bytes().end(), dst.begin() + static_cast<std::ptrdiff_t>(at));
    at += t.nbytes();
  }
  return out;
}

PreprocessSpec preprocess_spec_for(std::string_view model, const Shape& input_shape) {
  if (input_shape.size() != 4 || input_shape[1] != 3)
    throw std::invalid_argument("preprocessing for " + std::string(model) + ": expected an input of shape [N, 3, H, W], got " +
                                to_string(input_shape));
  PreprocessSpec s;
  s.height = static_cast<int>(input_shape[2]);
  s.width = static_cast<int>(input_shape[3]);
  if (model.starts_with("mobiledet")) {
    s.mean = {127.5f, 127.5f, 127.5f};
    s.std = {127.5f, 127.5f, 127.5f};
  } else if (model.starts_with("m3vit")) {
    s.mean = {0.485f * 255, 0.456f * 255, 0.406f * 255};
    s.std = {0.229f * 255, 0.224f * 255, 0.225f * 255};
  } else {
    throw std::invalid_argument("no preprocessing is defined for model '" + std::string(model) + "'");
  }
  return s;
}

}  // namespace eb::bench
