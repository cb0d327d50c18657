#include "bench/datasets/dataset_kind.h"

#include <stdexcept>
#include <string>

namespace eb::bench {
namespace fs = std::filesystem;

std::string_view dataset_kind_name(DatasetKind kind) { return kind == DatasetKind::coco ? "coco" : "dense"; }

DatasetKind detect_dataset_kind(const fs::path& path) {
  if (fs::is_regular_file(path)) {
    if (path.extension() == ".json") return DatasetKind::coco;
    throw std::invalid_argument(path.string() + ": a data set is a folder or a COCO annotations .json file");
  }
  if (!fs::is_directory(path)) throw std::invalid_argument(path.string() + ": no such data set (not a file or folder)");
  if (fs::is_regular_file(path / "annotations.json") || fs::is_directory(path / "annotations")) return DatasetKind::coco;
  if (fs::is_regular_file(path / "dataset.json")) return DatasetKind::dense;
  for (const char* images : {"images", "image", "rgb", "leftImg8bit"})
    for (const char* truth : {"labels", "label", "segmentation", "semseg", "gtFine", "depth"})
      if (fs::is_directory(path / images) && fs::is_directory(path / truth)) return DatasetKind::dense;
  throw std::invalid_argument(path.string() +
                              ": not a recognised data set (COCO: annotations.json and images/; dense: images/ with labels/ "
                              "or depth/, or a dataset.json)");
}

}  // namespace eb::bench
