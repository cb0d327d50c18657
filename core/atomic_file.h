// Writing a file so that readers see either the old file or the complete new one, never
// a half-written one — even if the process is killed or the machine loses power mid-way.
//
// Lives in core (not bench) because weight files (core/safetensors.h) need it as much as
// result records do, and core depends on nothing above it.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <string_view>

namespace eb {

// Writes `bytes` to a temporary file in the folder of `path`, flushes it to disk (fsync),
// renames it over `path` and syncs the folder. On any failure the temporary file is
// removed, `path` is left as it was, and std::runtime_error names the path and the cause.
// The file is created with mode 0644.
//
// Paths that are not plain files are never replaced: a symbolic link is followed and the
// file it ends at is written atomically (the link stays); a character device or FIFO
// (/dev/null, /dev/stdout, a named pipe) is written through in place, not atomically
// (/dev/full then fails with "No space left on device"); a directory, block device or
// socket is refused with std::runtime_error.
void write_file_atomically(const std::filesystem::path& path, std::span<const std::byte> bytes);
void write_file_atomically(const std::filesystem::path& path, std::string_view text);

// Whether `file` is named as write_file_atomically names its temporary file for a target
// whose name ends with `target_suffix` (".<target>.tmp-XXXXXX"): what a killed writer
// leaves behind, for a caller that cleans up its own folder.
bool is_atomic_write_temporary(const std::filesystem::path& file, std::string_view target_suffix = {});

}  // namespace eb
