// Internal to bench/datasets: the per-format halves of image_codec.h.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "bench/datasets/image.h"

namespace eb::bench::detail {

RgbImage decode_png_rgb(std::span<const std::uint8_t> bytes, const std::string& name);
RgbImage decode_jpeg_rgb(std::span<const std::uint8_t> bytes, const std::string& name);

}  // namespace eb::bench::detail
