// The preprocessing each model expects, written once and shared by every backend: geometry
// (stretch, letterbox or centre crop to the model's input size, bilinear), then per-channel
// scaling (pixel − mean) / std on 0..255 values, into an NCHW float tensor.
//
// The geometry is kept (ImageGeometry) so that predictions made on the model's input can
// be taken back to the original image: detection boxes to COCO pixel coordinates, dense
// maps to the label's resolution, which is where metrics are computed.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "bench/datasets/coco_json.h"
#include "bench/datasets/image.h"
#include "core/tensor.h"

namespace eb::bench {

enum class ResizeMode : std::uint8_t {
  stretch,     // to width×height, aspect ratio not kept (TF's fixed_shape_resizer)
  letterbox,   // scaled to fit inside, centred, the border filled with `pad`
  center_crop  // scaled to cover, centred, what sticks out cut off
};

struct PreprocessSpec {
  int width = 0;  // the model's input size
  int height = 0;
  ResizeMode mode = ResizeMode::stretch;
  std::array<float, 3> mean = {0, 0, 0};  // per RGB channel, on 0..255 pixel values
  std::array<float, 3> std = {1, 1, 1};
  std::uint8_t pad = 0;  // letterbox border, as a pixel value (before mean/std)
};

// Model-input coordinates = source coordinates · scale + offset, per axis, in continuous
// pixel coordinates (pixel i covers [i, i+1)).
struct ImageGeometry {
  int source_width = 0, source_height = 0;
  int input_width = 0, input_height = 0;
  double scale_x = 1, scale_y = 1;
  double offset_x = 0, offset_y = 0;

  // A box in model-input pixels, in source pixels, clipped to the source image.
  BoxXywh to_source(const BoxXywh& input_box) const;
  // A box in TF's normalised [ymin, xmin, ymax, xmax] of the model input (0..1 spans the
  // input), in source pixels, clipped to the source image.
  BoxXywh normalized_to_source(double ymin, double xmin, double ymax, double xmax) const;
  // Where the centre of source pixel (x, y) falls in the model input.
  double input_x(int source_x) const { return (source_x + 0.5) * scale_x + offset_x; }
  double input_y(int source_y) const { return (source_y + 0.5) * scale_y + offset_y; }
};

// Throws std::invalid_argument for a spec without a size or with a zero std, or an empty image.
ImageGeometry make_geometry(int source_width, int source_height, const PreprocessSpec& spec);

struct PreprocessedImage {
  Tensor tensor;  // [1, 3, height, width] f32
  ImageGeometry geometry;
};

// Bilinear sampling with half-pixel centres (OpenCV INTER_LINEAR, PyTorch
// align_corners=False, no antialiasing), computed in float without rounding to 8 bits.
PreprocessedImage preprocess(const RgbImage& image, const PreprocessSpec& spec);

// [1, C, H, W] tensors of one shape into [N, C, H, W]. Throws when the shapes differ.
Tensor stack_batch(std::span<const Tensor> images);

// What a model of this build expects, for an input of shape [N, 3, H, W]:
//   mobiledet-*  stretch, (p − 127.5) / 127.5 (TF object detection's (2/255)·p − 1)
//   m3vit*       stretch, ImageNet mean (0.485, 0.456, 0.406)·255 and std (0.229, 0.224, 0.225)·255
// Throws std::invalid_argument for another model or shape.
PreprocessSpec preprocess_spec_for(std::string_view model, const Shape& input_shape);

}  // namespace eb::bench
