// PNG (libpng) and JPEG (libjpeg-turbo) decoding and encoding.
//
// The format is recognised by the file's signature, not its name. `name` (usually the
// path) only labels error messages, which are one line: "<name>: <problem>".
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "bench/datasets/image.h"

namespace eb::bench {

enum class ImageFormat : std::uint8_t { png, jpeg };

// Throws std::invalid_argument when the bytes are neither PNG nor JPEG.
ImageFormat detect_image_format(std::span<const std::uint8_t> bytes, const std::string& name);

// Any PNG (gray, palette, RGB, with or without alpha, 1 to 16 bits) or baseline/progressive
// JPEG (gray, YCbCr, CMYK is refused) as 8-bit RGB. Alpha is dropped, not composited:
// data-set pictures have none that matters, and compositing would invent a background.
// 16-bit samples are reduced to 8 bits by libpng's rounding.
RgbImage decode_rgb(std::span<const std::uint8_t> bytes, const std::string& name);
RgbImage read_rgb_image(const std::filesystem::path& path);

// A single-channel PNG's raw samples: gray (1 to 16 bits) or palette indices (as VOC-style
// label maps store class ids). No gamma, no scaling. Throws for colour PNGs and JPEGs —
// a label map or depth map that went through a lossy or colour path is no longer data.
GrayImage decode_gray_png(std::span<const std::uint8_t> bytes, const std::string& name);
GrayImage read_gray_png(const std::filesystem::path& path);

std::vector<std::uint8_t> encode_png(const RgbImage& image);
// Written with the image's bit_depth (8 or 16); values above 255 need 16.
std::vector<std::uint8_t> encode_png(const GrayImage& image);
// quality 1..100 (libjpeg's scale), 4:2:0 chroma subsampling as libjpeg's default.
std::vector<std::uint8_t> encode_jpeg(const RgbImage& image, int quality = 90);

void write_png(const std::filesystem::path& path, const RgbImage& image);
void write_png(const std::filesystem::path& path, const GrayImage& image);
void write_jpeg(const std::filesystem::path& path, const RgbImage& image, int quality = 90);

}  // namespace eb::bench
