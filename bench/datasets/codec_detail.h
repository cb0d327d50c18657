// Internal to bench/datasets: the per-format halves of image_codec.h.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "bench/datasets/image.h"

namespace eb::bench::detail {

// The largest picture decoded: 64 Mpixels (8192×8192), far above any data set's images
// (Cityscapes: 2 Mpixels). A file's header can claim any size; memory is only allocated
// for one that passes. Throws std::invalid_argument naming the file and its size.
inline constexpr std::uint64_t kMaxImagePixels = std::uint64_t{1} << 26;
void check_image_size(std::uint64_t width, std::uint64_t height, const std::string& name);

RgbImage decode_png_rgb(std::span<const std::uint8_t> bytes, const std::string& name);
RgbImage decode_jpeg_rgb(std::span<const std::uint8_t> bytes, const std::string& name);

}  // namespace eb::bench::detail
