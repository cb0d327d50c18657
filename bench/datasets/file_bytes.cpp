#include "bench/datasets/file_bytes.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "core/atomic_file.h"

namespace eb::bench {
namespace {

template <class Container>
Container read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path.string() + ": cannot open: " + std::strerror(errno));
  Container out((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw std::runtime_error(path.string() + ": read failed: " + std::strerror(errno));
  return out;
}

}  // namespace

std::vector<std::uint8_t> read_file_bytes(const std::filesystem::path& path) {
  return read_all<std::vector<std::uint8_t>>(path);
}

std::string read_file_text(const std::filesystem::path& path) { return read_all<std::string>(path); }

void write_file_bytes(const std::filesystem::path& path, std::span<const std::uint8_t> bytes) {
  write_file_atomically(path, std::as_bytes(bytes));
}

void write_file_text(const std::filesystem::path& path, const std::string& text) { write_file_atomically(path, text); }

}  // namespace eb::bench
