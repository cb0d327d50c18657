// make-dataset's build folder: a data set is written into a hidden folder beside its
// destination (".DIR.tmp-XXXXXX") and renamed into place at the end, so that a failure
// half-way leaves no folder of images without annotations.
//
// A SIGKILL (or a power cut) leaves the hidden folder behind: nothing runs after it. So the
// folder holds a marker naming its maker (process id and start time, MARKER below), and
// every later build beside the same destination removes the hidden folders whose maker is
// gone. A folder of that name without the marker, or whose maker still runs, is left alone
// (so is every folder where /proc cannot tell).
#pragma once

#include <filesystem>
#include <functional>
#include <string_view>

namespace eb::cli {

// The marker file's name inside a build folder (removed before the rename).
inline constexpr std::string_view kBuildFolderMarker = ".edgebench-make-dataset";

// Removes the stale build folders of `out` (see above); returns how many.
int remove_stale_build_folders(const std::filesystem::path& out);

// Runs `write(folder)` on a fresh build folder for `out`, then renames it to `out` (which
// must not exist or be an empty folder). On any exception the build folder is removed and
// the exception goes on. Throws std::runtime_error when the folder cannot be made or renamed.
void build_then_rename(const std::filesystem::path& out, const std::function<void(const std::filesystem::path&)>& write);

}  // namespace eb::cli
