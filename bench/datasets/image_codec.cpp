#include "bench/datasets/image_codec.h"

#include <algorithm>
#include <stdexcept>

#include "bench/datasets/codec_detail.h"
#include "bench/datasets/file_bytes.h"

namespace eb::bench {

void detail::check_image_size(std::uint64_t width, std::uint64_t height, const std::string& name) {
  if (width == 0 || height == 0 || width * height > kMaxImagePixels)
    throw std::invalid_argument(name + ": a picture of " + std::to_string(width) + "x" + std::to_string(height) +
                                " pixels is outside what edgebench decodes (1 to " + std::to_string(kMaxImagePixels) + " pixels)");
}

ImageFormat detect_image_format(std::span<const std::uint8_t> bytes, const std::string& name) {
  static constexpr std::uint8_t kPng[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  static constexpr std::uint8_t kJpeg[] = {0xff, 0xd8, 0xff};
  const auto starts_with = [&](std::span<const std::uint8_t> magic) {
    return bytes.size() >= magic.size() && std::equal(magic.begin(), magic.end(), bytes.begin());
  };
  if (starts_with(kPng)) return ImageFormat::png;
  if (starts_with(kJpeg)) return ImageFormat::jpeg;
  throw std::invalid_argument(name + ": not a PNG or JPEG file (unrecognised signature)");
}

RgbImage decode_rgb(std::span<const std::uint8_t> bytes, const std::string& name) {
  return detect_image_format(bytes, name) == ImageFormat::png ? detail::decode_png_rgb(bytes, name)
                                                                   : detail::decode_jpeg_rgb(bytes, name);
}

RgbImage read_rgb_image(const std::filesystem::path& path) { return decode_rgb(read_file_bytes(path), path.string()); }

GrayImage read_gray_png(const std::filesystem::path& path) { return decode_gray_png(read_file_bytes(path), path.string()); }

void write_png(const std::filesystem::path& path, const RgbImage& image) { write_file_bytes(path, encode_png(image)); }
void write_png(const std::filesystem::path& path, const GrayImage& image) { write_file_bytes(path, encode_png(image)); }
void write_jpeg(const std::filesystem::path& path, const RgbImage& image, int quality) {
  write_file_bytes(path, encode_jpeg(image, quality));
}

}  // namespace eb::bench
