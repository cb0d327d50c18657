// Decoded images as plain value types.
//
// Two kinds are enough for every data set edgebench reads: 8-bit RGB pictures (model
// inputs) and single-channel maps of raw integer values (segmentation labels, 16-bit
// depth), which must never go through colour conversion or gamma handling.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace eb::bench {

struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> pixels;  // row-major, interleaved R, G, B; width·height·3 bytes

  RgbImage() = default;
  RgbImage(int w, int h) : width(w), height(h), pixels(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 3) {}
  std::uint8_t& at(int x, int y, int c) { return pixels[index(x, y, c)]; }
  std::uint8_t at(int x, int y, int c) const { return pixels[index(x, y, c)]; }
  friend bool operator==(const RgbImage&, const RgbImage&) = default;

 private:
  std::size_t index(int x, int y, int c) const {
    return (static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)) * 3 +
           static_cast<std::size_t>(c);
  }
};

// One channel of raw values: gray levels, palette indices or 16-bit depth codes.
struct GrayImage {
  int width = 0;
  int height = 0;
  int bit_depth = 8;  // 8 or 16: how the values are stored in a file (a round trip keeps it)
  std::vector<std::uint16_t> values;  // row-major

  GrayImage() = default;
  GrayImage(int w, int h, int depth = 8)
      : width(w), height(h), bit_depth(depth), values(static_cast<std::size_t>(w) * static_cast<std::size_t>(h)) {}
  std::uint16_t& at(int x, int y) { return values[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)]; }
  std::uint16_t at(int x, int y) const { return values[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)]; }
  friend bool operator==(const GrayImage&, const GrayImage&) = default;
};

// A depth map in metres; 0 (or any value that is not finite and positive) marks a pixel
// without a measurement, as the NYUD and KITTI conventions do.
struct DepthMap {
  int width = 0;
  int height = 0;
  std::vector<float> metres;  // row-major

  DepthMap() = default;
  DepthMap(int w, int h) : width(w), height(h), metres(static_cast<std::size_t>(w) * static_cast<std::size_t>(h)) {}
  float& at(int x, int y) { return metres[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)]; }
  float at(int x, int y) const { return metres[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)]; }
  friend bool operator==(const DepthMap&, const DepthMap&) = default;
};

}  // namespace eb::bench
