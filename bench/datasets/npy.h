// NumPy .npy arrays (format versions 1.0, 2.0 and 3.0), as NYUD-style data sets store depth.
//
// Reading accepts C-order arrays of bool, (u)int8/16/32/64 and float16/32/64 in either byte
// order and returns the values as double (exact for every float and for integers below
// 2^53). Fortran-order and object arrays are refused with the reason.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace eb::bench {

struct NpyArray {
  std::vector<std::int64_t> shape;
  std::string descr;           // the file's dtype string, e.g. "<f4"
  std::vector<double> values;  // C order
};

NpyArray parse_npy(std::span<const std::uint8_t> bytes, const std::string& name);
NpyArray read_npy(const std::filesystem::path& path);

// Version 1.0, little-endian float32 ("<f4"), C order. Throws when the shape does not
// match the number of values.
std::vector<std::uint8_t> encode_npy(std::span<const std::int64_t> shape, std::span<const float> values);
void write_npy(const std::filesystem::path& path, std::span<const std::int64_t> shape, std::span<const float> values);

}  // namespace eb::bench
