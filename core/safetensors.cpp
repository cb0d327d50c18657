#include "core/safetensors.h"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "core/atomic_file.h"

namespace eb {
namespace {

// Tensor bytes are copied verbatim between memory and file, and the format is little-endian.
static_assert(std::endian::native == std::endian::little, "safetensors I/O assumes a little-endian host");

using nlohmann::json;

constexpr std::string_view kMetadataKey = "__metadata__";

struct Entry {
  std::string name;
  DType dtype = DType::f32;
  Shape shape;
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
};

std::string offsets_text(std::uint64_t begin, std::uint64_t end) {
  return "[" + std::to_string(begin) + ", " + std::to_string(end) + "]";
}

// A header nests three levels (header, tensor entry, shape); deeper input is hostile, and
// nesting thousands deep would overflow the stack of anything that recurses over it.
constexpr int kMaxHeaderDepth = 8;

// A piece of the header quoted in a message, cut so that a hostile file cannot make the
// error line huge.
std::string clip(std::string s) {
  constexpr std::size_t kMax = 80;
  if (s.size() > kMax) s = s.substr(0, kMax) + "...";
  return s;
}

// Reads the JSON header, rejecting duplicate keys (which a plain parse would silently
// resolve to the last one) at any depth, and nesting deeper than kMaxHeaderDepth.
json parse_header(std::string_view text, const std::string& origin) {
  std::vector<std::set<std::string>> open_objects;
  std::optional<std::string> duplicate;
  bool duplicate_is_tensor = false;
  const json::parser_callback_t watch = [&](int depth, json::parse_event_t event, json& parsed) {
    if (depth > kMaxHeaderDepth)
      throw SafetensorsError(origin + ": header nests deeper than " + std::to_string(kMaxHeaderDepth) + " levels");
    switch (event) {
      case json::parse_event_t::object_start: open_objects.emplace_back(); break;
      case json::parse_event_t::object_end: open_objects.pop_back(); break;
      case json::parse_event_t::key:
        if (!open_objects.back().insert(parsed.get<std::string>()).second && !duplicate) {
          duplicate = clip(parsed.get<std::string>());
          duplicate_is_tensor = open_objects.size() == 1;
        }
        break;
      default: break;
    }
    return true;
  };
  json header;
  try {
    header = json::parse(text.begin(), text.end(), watch);
  } catch (const json::exception& e) {
    throw SafetensorsError(origin + ": header is not valid JSON (" + e.what() + ")");
  }
  if (duplicate)
    throw SafetensorsError(origin + (duplicate_is_tensor ? ": duplicate tensor name '" : ": duplicate key '") + *duplicate +
                           "' in the header");
  return header;
}

SafetensorsMetadata read_metadata(const json& value, const std::string& origin) {
  if (!value.is_object()) throw SafetensorsError(origin + ": __metadata__ is not an object");
  SafetensorsMetadata out;
  for (const auto& [k, v] : value.items()) {
    if (!v.is_string()) throw SafetensorsError(origin + ": __metadata__ value of '" + clip(k) + "' is not a string");
    out[k] = v.get<std::string>();
  }
  return out;
}

// One tensor's header entry, checked on its own (the layout of all of them is checked later).
Entry read_entry(const std::string& name, const json& value, std::uint64_t body_size, const std::string& origin) {
  const auto fail = [&](const std::string& what) {
    return SafetensorsError(origin + ": tensor '" + clip(name) + "': " + what);
  };
  if (name.empty()) throw SafetensorsError(origin + ": a tensor has an empty name");
  if (!value.is_object()) throw fail("header entry is not an object");
  for (const auto& [key, v] : value.items())
    if (key != "dtype" && key != "shape" && key != "data_offsets") throw fail("unexpected field '" + clip(key) + "'");
  for (const char* key : {"dtype", "shape", "data_offsets"})
    if (!value.contains(key)) throw fail(std::string("missing field '") + key + "'");

  Entry e;
  e.name = name;
  const json& dtype = value["dtype"];
  if (!dtype.is_string()) throw fail("dtype is not a string");
  const auto parsed = parse_safetensors_dtype(dtype.get<std::string>());
  if (!parsed) throw fail("unsupported dtype '" + clip(dtype.get<std::string>()) + "' (supported: F32, F16, BF16, I8, U8, I16, I32, I64)");
  e.dtype = *parsed;

  const json& shape = value["shape"];
  if (!shape.is_array()) throw fail("shape is not an array");
  std::uint64_t count = 1;
  bool overflow = false;
  for (const json& d : shape) {
    if (!d.is_number_integer()) throw fail("shape " + clip(shape.dump()) + " has a dimension that is not an integer");
    if (d.is_number_unsigned() ? d.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX) : d.get<std::int64_t>() < 0)
      throw fail("shape " + clip(shape.dump()) + " has a negative or out-of-range dimension");
    const auto dim = d.get<std::int64_t>();
    e.shape.push_back(dim);
    overflow = overflow || __builtin_mul_overflow(count, static_cast<std::uint64_t>(dim), &count);
  }
  std::uint64_t expected = 0;
  overflow = overflow || __builtin_mul_overflow(count, dtype_size(e.dtype), &expected);
  if (overflow) throw fail("shape " + clip(shape.dump()) + " is too large");

  const json& offsets = value["data_offsets"];
  if (!offsets.is_array() || offsets.size() != 2) throw fail("data_offsets is not a [begin, end] pair");
  for (const json& o : offsets)
    if (!o.is_number_unsigned()) throw fail("data_offsets " + clip(offsets.dump()) + " are not non-negative integers");
  e.begin = offsets[0].get<std::uint64_t>();
  e.end = offsets[1].get<std::uint64_t>();
  if (e.end < e.begin) throw fail("data_offsets " + offsets_text(e.begin, e.end) + " end before they begin");
  if (e.end - e.begin != expected)
    throw fail("data_offsets " + offsets_text(e.begin, e.end) + " hold " + std::to_string(e.end - e.begin) +
               " bytes but shape " + to_string(e.shape) + " of " + std::string(safetensors_dtype_name(e.dtype)) + " needs " +
               std::to_string(expected));
  if (e.end > body_size)
    throw fail("data_offsets " + offsets_text(e.begin, e.end) + " run past the end of the data (" +
               std::to_string(body_size) + " bytes; file truncated?)");
  return e;
}

// The tensors must tile the data exactly: in offset order, each begins where the previous
// ends, the first at 0 and the last at the end of the file.
void check_layout(std::vector<Entry>& entries, std::uint64_t body_size, const std::string& origin) {
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.begin != b.begin ? a.begin < b.begin : a.end < b.end; });
  std::uint64_t next = 0;
  const Entry* previous = nullptr;
  for (const Entry& e : entries) {
    if (e.begin < next)
      throw SafetensorsError(origin + ": tensor '" + clip(e.name) + "': data_offsets " + offsets_text(e.begin, e.end) +
                             " overlap tensor '" + clip(previous->name) + "' " + offsets_text(previous->begin, previous->end));
    if (e.begin > next)
      throw SafetensorsError(origin + ": tensor '" + clip(e.name) + "': data_offsets " + offsets_text(e.begin, e.end) +
                             " leave a hole of " + std::to_string(e.begin - next) + " bytes before it");
    next = e.end;
    previous = &e;
  }
  if (next != body_size)
    throw SafetensorsError(origin + ": " + std::to_string(body_size - next) +
                           " bytes at the end of the file belong to no tensor");
}

}  // namespace

std::string_view safetensors_dtype_name(DType t) {
  switch (t) {
    case DType::f32: return "F32";
    case DType::f16: return "F16";
    case DType::bf16: return "BF16";
    case DType::i8: return "I8";
    case DType::u8: return "U8";
    case DType::i16: return "I16";
    case DType::i32: return "I32";
    case DType::i64: return "I64";
  }
  return "?";
}

std::optional<DType> parse_safetensors_dtype(std::string_view name) {
#define EB_X(e, n, s) \
  if (name == safetensors_dtype_name(DType::e)) return DType::e;
  EB_DTYPES(EB_X)
#undef EB_X
  return std::nullopt;
}

std::vector<std::byte> encode_safetensors(const Weights& weights, const SafetensorsMetadata& metadata) {
  json header = json::object();
  if (!metadata.empty()) header[std::string(kMetadataKey)] = metadata;
  std::uint64_t offset = 0;
  for (const auto& [name, t] : weights.all()) {  // std::map: already sorted by name
    if (name.empty() || name == kMetadataKey)
      throw std::invalid_argument("cannot store a tensor named '" + name + "' in a safetensors file");
    header[name] = {{"dtype", safetensors_dtype_name(t.dtype())},
                    {"shape", t.shape()},
                    {"data_offsets", {offset, offset + t.nbytes()}}};
    offset += t.nbytes();
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');

  std::vector<std::byte> out;
  out.reserve(8 + text.size() + offset);
  const std::uint64_t n = text.size();
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::byte>((n >> (8 * i)) & 0xffu));
  const auto text_bytes = std::as_bytes(std::span<const char>(text.data(), text.size()));
  out.insert(out.end(), text_bytes.begin(), text_bytes.end());
  for (const auto& [name, t] : weights.all()) out.insert(out.end(), t.bytes().begin(), t.bytes().end());
  return out;
}

SafetensorsFile decode_safetensors(std::span<const std::byte> bytes, const std::string& origin) {
  if (bytes.size() < 8)
    throw SafetensorsError(origin + ": truncated header: the file has " + std::to_string(bytes.size()) +
                           " bytes, fewer than the 8 that hold the header length");
  std::uint64_t n = 0;
  for (int i = 0; i < 8; ++i) n |= static_cast<std::uint64_t>(bytes[static_cast<std::size_t>(i)]) << (8 * i);
  if (n > kMaxSafetensorsHeader)
    throw SafetensorsError(origin + ": header length " + std::to_string(n) + " exceeds the limit of " +
                           std::to_string(kMaxSafetensorsHeader) + " bytes (not a safetensors file?)");
  if (n > bytes.size() - 8)
    throw SafetensorsError(origin + ": truncated header: header length is " + std::to_string(n) + " bytes but only " +
                           std::to_string(bytes.size() - 8) + " follow");

  const auto header_bytes = bytes.subspan(8, n);
  const json header =
      parse_header(std::string_view(reinterpret_cast<const char*>(header_bytes.data()), header_bytes.size()), origin);
  if (!header.is_object()) throw SafetensorsError(origin + ": header is not a JSON object");

  const auto body = bytes.subspan(8 + n);
  SafetensorsFile file;
  std::vector<Entry> entries;
  for (const auto& [name, value] : header.items()) {
    if (name == kMetadataKey) {
      file.metadata = read_metadata(value, origin);
      continue;
    }
    entries.push_back(read_entry(name, value, body.size(), origin));
  }
  check_layout(entries, body.size(), origin);

  for (const Entry& e : entries) {
    Tensor t(e.dtype, e.shape);
    // An empty tensor has no storage: memcpy's pointers must not be null, even for 0 bytes.
    if (e.end > e.begin) std::memcpy(t.bytes().data(), body.data() + e.begin, e.end - e.begin);
    file.weights.set(e.name, std::move(t));
  }
  return file;
}

void save_safetensors(const std::filesystem::path& path, const Weights& weights, const SafetensorsMetadata& metadata) {
  const auto bytes = encode_safetensors(weights, metadata);
  write_file_atomically(path, bytes);
}

SafetensorsFile read_safetensors(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw std::runtime_error("cannot read " + path.string() + ": it is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string() + ": " + std::strerror(errno));
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(0, std::ios::beg);
  if (size < 0) throw std::runtime_error("cannot read " + path.string() + ": cannot determine its size");
  std::vector<std::byte> bytes(static_cast<std::size_t>(size));
  if (!in.read(reinterpret_cast<char*>(bytes.data()), size))
    throw std::runtime_error("cannot read " + path.string() + ": read failed");
  return decode_safetensors(bytes, path.string());
}

Weights load_safetensors(const std::filesystem::path& path) { return read_safetensors(path).weights; }

}  // namespace eb
