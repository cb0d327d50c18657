// Weight files in the safetensors format (https://github.com/huggingface/safetensors):
//
//   [8 bytes]  N, the header length, unsigned little-endian
//   [N bytes]  UTF-8 JSON object: tensor name → {"dtype": "F32", "shape": [2, 3],
//              "data_offsets": [begin, end]}, plus an optional "__metadata__" object of
//              string → string; offsets are relative to the first byte after the header
//   [rest]     the tensors' bytes, little-endian, row-major
//
// Files are read strictly: anything a conforming writer would not produce (offsets that
// overlap or leave holes, a byte length that disagrees with the shape, an unsupported
// dtype, duplicate names, fields that are not in the format) is an error naming the file
// and the tensor. Whether the tensors suit a model is a separate question, answered by
// Weights::check_against (core/weights.h).
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/dtype.h"
#include "core/weights.h"

namespace eb {

using SafetensorsMetadata = std::map<std::string, std::string>;

struct SafetensorsFile {
  Weights weights;
  SafetensorsMetadata metadata;
};

// Thrown for every malformed file; what() is one line starting with the file name.
class SafetensorsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Headers longer than this are rejected before anything is allocated for them (the
// reference implementation uses the same bound).
inline constexpr std::uint64_t kMaxSafetensorsHeader = 100'000'000;

// "F32" ↔ DType::f32, ... (the dtype names of the format).
std::string_view safetensors_dtype_name(DType t);
std::optional<DType> parse_safetensors_dtype(std::string_view name);

// The bytes of a file holding `weights` (sorted by name) and `metadata` (omitted when
// empty); the header is padded with spaces to a multiple of 8 bytes.
std::vector<std::byte> encode_safetensors(const Weights& weights, const SafetensorsMetadata& metadata = {});
// Parses and validates a whole file held in memory; `origin` names it in errors.
SafetensorsFile decode_safetensors(std::span<const std::byte> bytes, const std::string& origin);

// Writes atomically (temporary file in the same folder, then rename): a reader never sees
// a half-written file. Throws std::runtime_error naming the path when it cannot write.
void save_safetensors(const std::filesystem::path& path, const Weights& weights,
                      const SafetensorsMetadata& metadata = {});
// Throws SafetensorsError for a malformed file, std::runtime_error when it cannot be read.
SafetensorsFile read_safetensors(const std::filesystem::path& path);
Weights load_safetensors(const std::filesystem::path& path);

}  // namespace eb
