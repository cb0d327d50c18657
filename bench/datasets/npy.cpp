#include "bench/datasets/npy.h"

#include <bit>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string_view>

#include "bench/datasets/file_bytes.h"
#include "core/half.h"

namespace eb::bench {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicLen = 6;

// The problem may quote the file's header, which can hold any byte: control characters
// are shown as \xNN so that the error stays one line.
[[noreturn]] void fail(const std::string& name, const std::string& problem) {
  std::string shown;
  for (const char ch : problem) {
    const auto u = static_cast<unsigned char>(ch);
    if (u < 0x20 || u == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      shown += "\\x";
      shown += kHex[u >> 4];
      shown += kHex[u & 15];
    } else {
      shown += ch;
    }
  }
  throw std::invalid_argument(name + ": not a readable .npy file: " + shown);
}

// The header is a Python dict literal; these find one key's value in it, which is all the
// format promises (numpy writes the keys 'descr', 'fortran_order', 'shape').
std::string_view value_after(std::string_view header, std::string_view key, const std::string& name) {
  std::string quoted(1, '\'');  // built piecewise: GCC 12 warns falsely on "'" + std::string(...)
  quoted.append(key).push_back('\'');
  std::size_t p = header.find(quoted);
  if (p == std::string_view::npos) fail(name, "header has no " + quoted);
  p = header.find(':', p + quoted.size());
  if (p == std::string_view::npos) fail(name, "header entry " + quoted + " has no value");
  ++p;
  while (p < header.size() && header[p] == ' ') ++p;
  return header.substr(p);
}

std::string parse_descr(std::string_view header, const std::string& name) {
  std::string_view v = value_after(header, "descr", name);
  if (v.empty() || (v[0] != '\'' && v[0] != '"')) fail(name, "'descr' is not a plain dtype string (structured arrays are not supported)");
  const std::size_t end = v.find(v[0], 1);
  if (end == std::string_view::npos) fail(name, "'descr' string is not closed");
  return std::string(v.substr(1, end - 1));
}

std::vector<std::int64_t> parse_shape(std::string_view header, const std::string& name) {
  std::string_view v = value_after(header, "shape", name);
  if (v.empty() || v[0] != '(') fail(name, "'shape' is not a tuple");
  const std::size_t end = v.find(')');
  if (end == std::string_view::npos) fail(name, "'shape' tuple is not closed");
  std::vector<std::int64_t> shape;
  std::int64_t current = -1;
  for (char ch : v.substr(1, end - 1)) {
    if (ch >= '0' && ch <= '9') {
      const std::int64_t digit = ch - '0';
      if (current > (std::numeric_limits<std::int64_t>::max() - digit) / 10) fail(name, "a dimension is too large");
      current = (current < 0 ? 0 : current * 10) + digit;
    } else if (ch == ',') {
      if (current < 0) fail(name, "'shape' has an empty entry");
      shape.push_back(current);
      current = -1;
    } else if (ch != ' ' && ch != 'L') {  // 'L': Python 2 long suffix in old files
      fail(name, std::string("unexpected character '") + ch + "' in 'shape'");
    }
  }
  if (current >= 0) shape.push_back(current);
  return shape;
}

bool parse_fortran_order(std::string_view header, const std::string& name) {
  std::string_view v = value_after(header, "fortran_order", name);
  if (v.starts_with("True")) return true;
  if (v.starts_with("False")) return false;
  fail(name, "'fortran_order' is neither True nor False");
}

struct ElementType {
  char kind = 'f';  // 'f' float, 'i' signed, 'u' unsigned, 'b' bool
  std::size_t size = 4;
  bool big_endian = false;
};

ElementType parse_element_type(const std::string& descr, const std::string& name) {
  if (descr.size() < 3) fail(name, "unsupported dtype '" + descr + "'");
  ElementType t;
  const char order = descr[0];
  if (order != '<' && order != '>' && order != '|' && order != '=') fail(name, "unsupported dtype '" + descr + "'");
  t.big_endian = order == '>' || (order == '=' && std::endian::native == std::endian::big);
  t.kind = descr[1];
  const std::string size = descr.substr(2);
  if (size == "1") t.size = 1;
  else if (size == "2") t.size = 2;
  else if (size == "4") t.size = 4;
  else if (size == "8") t.size = 8;
  else fail(name, "unsupported dtype '" + descr + "'");
  const bool ok = (t.kind == 'f' && t.size >= 2) || t.kind == 'i' || t.kind == 'u' || (t.kind == 'b' && t.size == 1);
  if (!ok) fail(name, "unsupported dtype '" + descr + "' (supported: bool, integers, float16/32/64)");
  return t;
}

std::uint64_t load_uint(const std::uint8_t* p, std::size_t size, bool big_endian) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < size; ++i) {
    const std::size_t byte = big_endian ? i : size - 1 - i;
    v = (v << 8) | p[byte];
  }
  return v;
}

double to_double(std::uint64_t bits, const ElementType& t) {
  switch (t.kind) {
    case 'b':
    case 'u':
      return static_cast<double>(bits);
    case 'i': {
      const unsigned shift = static_cast<unsigned>(64 - 8 * t.size);
      return static_cast<double>(static_cast<std::int64_t>(bits << shift) >> shift);  // sign-extend
    }
    default:
      if (t.size == 2) return to_float(f16{static_cast<std::uint16_t>(bits)});
      if (t.size == 4) return std::bit_cast<float>(static_cast<std::uint32_t>(bits));
      return std::bit_cast<double>(bits);
  }
}

}  // namespace

NpyArray parse_npy(std::span<const std::uint8_t> bytes, const std::string& name) {
  if (bytes.size() < kMagicLen + 4 || std::memcmp(bytes.data(), kMagic, kMagicLen) != 0) fail(name, "missing the \\x93NUMPY signature");
  const int major = bytes[6];
  std::size_t header_len = 0, header_start = 0;
  if (major == 1) {
    header_len = load_uint(bytes.data() + 8, 2, false);
    header_start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) fail(name, "file is truncated");
    header_len = load_uint(bytes.data() + 8, 4, false);
    header_start = 12;
  } else {
    fail(name, "unsupported format version " + std::to_string(major));
  }
  if (bytes.size() < header_start + header_len) fail(name, "file is truncated inside the header");
  const std::string_view header(reinterpret_cast<const char*>(bytes.data() + header_start), header_len);

  NpyArray a;
  a.descr = parse_descr(header, name);
  a.shape = parse_shape(header, name);
  const ElementType t = parse_element_type(a.descr, name);
  std::uint64_t count = 1;
  for (std::int64_t d : a.shape) {
    if (d != 0 && count > std::numeric_limits<std::uint64_t>::max() / static_cast<std::uint64_t>(d)) fail(name, "shape is too large");
    count *= static_cast<std::uint64_t>(d);
  }
  if (parse_fortran_order(header, name) && a.shape.size() > 1)
    fail(name, "Fortran-order arrays are not supported (save with np.ascontiguousarray)");
  const std::size_t data_start = header_start + header_len;
  if ((bytes.size() - data_start) / t.size < count)
    fail(name, "data is truncated: shape needs " + std::to_string(count) + " elements of " + std::to_string(t.size) +
                   " bytes, file has " + std::to_string(bytes.size() - data_start) + " bytes");
  a.values.resize(count);
  for (std::size_t i = 0; i < count; ++i) a.values[i] = to_double(load_uint(bytes.data() + data_start + i * t.size, t.size, t.big_endian), t);
  return a;
}

NpyArray read_npy(const std::filesystem::path& path) { return parse_npy(read_file_bytes(path), path.string()); }

std::vector<std::uint8_t> encode_npy(std::span<const std::int64_t> shape, std::span<const float> values) {
  std::uint64_t count = 1;
  std::string dims;
  for (std::int64_t d : shape) {
    if (d < 0) throw std::invalid_argument("encode_npy: negative dimension " + std::to_string(d));
    count *= static_cast<std::uint64_t>(d);
    dims += (dims.empty() ? "" : ", ") + std::to_string(d);
  }
  if (shape.size() == 1) dims += ',';  // Python's one-element tuple: "(5,)"
  if (count != values.size())
    throw std::invalid_argument("encode_npy: shape has " + std::to_string(count) + " elements but " + std::to_string(values.size()) +
                                " values were given");
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
  // Pad with spaces so that the data starts on a 64-byte boundary; the header ends in '\n'.
  const std::size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  std::vector<std::uint8_t> out(kMagicLen);
  std::memcpy(out.data(), kMagic, kMagicLen);
  out.push_back(1);
  out.push_back(0);
  out.push_back(static_cast<std::uint8_t>(header.size() & 0xff));
  out.push_back(static_cast<std::uint8_t>(header.size() >> 8));
  out.insert(out.end(), header.begin(), header.end());
  for (float v : values) {
    const auto bits = std::bit_cast<std::uint32_t>(v);
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(bits >> (8 * i)));
  }
  return out;
}

void write_npy(const std::filesystem::path& path, std::span<const std::int64_t> shape, std::span<const float> values) {
  write_file_bytes(path, encode_npy(shape, values));
}

}  // namespace eb::bench
