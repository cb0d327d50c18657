// Which kind of data set a `--dataset PATH` names, judged from its layout (see
// coco_dataset.h and dense_dataset.h for the layouts).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>

namespace eb::bench {

enum class DatasetKind : std::uint8_t { coco, dense };

std::string_view dataset_kind_name(DatasetKind kind);  // "coco", "dense"

// coco: a .json file, or a folder with annotations.json or annotations/instances_*.json;
// dense: a folder with dataset.json, or with images/ and labels/ or depth/.
// Throws std::invalid_argument saying what was looked for.
DatasetKind detect_dataset_kind(const std::filesystem::path& path);

}  // namespace eb::bench
