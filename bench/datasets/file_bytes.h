// Whole-file reads and writes for the data-set readers and the generator. Every failure
// is one std::runtime_error line that names the path and the cause.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace eb::bench {

std::vector<std::uint8_t> read_file_bytes(const std::filesystem::path& path);
std::string read_file_text(const std::filesystem::path& path);
// Atomic (core/atomic_file.h): a reader never sees a half-written image or annotation file.
void write_file_bytes(const std::filesystem::path& path, std::span<const std::uint8_t> bytes);
void write_file_text(const std::filesystem::path& path, const std::string& text);

}  // namespace eb::bench
