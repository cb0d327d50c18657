#include "bench/datasets/coco_dataset.h"

#include <stdexcept>
#include <unordered_set>
#include <vector>

#include "bench/datasets/image_codec.h"

namespace eb::bench {
namespace fs = std::filesystem;

namespace {

fs::path find_annotations(const fs::path& path) {
  if (fs::is_regular_file(path)) return path;
  if (!fs::is_directory(path)) throw std::invalid_argument(path.string() + ": no such data set (not a file or folder)");
  if (fs::is_regular_file(path / "annotations.json")) return path / "annotations.json";
  std::vector<fs::path> found;
  if (fs::is_directory(path / "annotations"))
    for (const auto& e : fs::directory_iterator(path / "annotations"))
      if (e.is_regular_file() && e.path().filename().string().starts_with("instances_") && e.path().extension() == ".json")
        found.push_back(e.path());
  if (found.size() == 1) return found.front();
  if (found.size() > 1)
    throw std::invalid_argument(path.string() + ": several annotations/instances_*.json; pass the one to use as --dataset");
  throw std::invalid_argument(path.string() + ": no COCO annotations (expected annotations.json or annotations/instances_SPLIT.json)");
}

fs::path find_images(const fs::path& annotations) {
  const fs::path dir = annotations.parent_path().empty() ? fs::path(".") : annotations.parent_path();
  std::vector<fs::path> candidates = {dir / "images"};
  const std::string stem = annotations.stem().string();
  if (stem.starts_with("instances_")) candidates.push_back(dir.parent_path() / stem.substr(10));
  candidates.push_back(dir);
  for (const fs::path& c : candidates)
    if (fs::is_directory(c)) return c;
  throw std::invalid_argument(annotations.string() + ": no picture folder found next to it (looked for images/)");
}

}  // namespace

CocoDataset CocoDataset::open(const fs::path& path) {
  CocoDataset d;
  d.annotations_ = find_annotations(path);
  d.gt_ = read_coco_ground_truth(d.annotations_);
  d.images_ = find_images(d.annotations_);
  return d;
}

RgbImage CocoDataset::load_image(std::size_t i) const {
  const CocoImage& info = gt_.images.at(i);
  const std::string entry = annotations_.string() + ": images[" + std::to_string(i) + "] (id " + std::to_string(info.id) + ")";
  if (info.file_name.empty()) throw std::invalid_argument(entry + ": missing field 'file_name' (needed to load the picture)");
  const fs::path file = images_ / info.file_name;
  if (!fs::is_regular_file(file)) throw std::invalid_argument(entry + ": picture " + file.string() + " does not exist");
  RgbImage img = read_rgb_image(file);
  if ((info.width > 0 && info.width != img.width) || (info.height > 0 && info.height != img.height))
    throw std::invalid_argument(entry + ": declares " + std::to_string(info.width) + "x" + std::to_string(info.height) + " but " +
                                file.string() + " is " + std::to_string(img.width) + "x" + std::to_string(img.height));
  return img;
}

void CocoDataset::limit(std::size_t n) { gt_ = first_images(gt_, n); }

CocoGroundTruth first_images(const CocoGroundTruth& gt, std::size_t n) {
  if (n >= gt.images.size()) return gt;
  CocoGroundTruth out;
  out.source = gt.source;
  out.categories = gt.categories;
  out.images.assign(gt.images.begin(), gt.images.begin() + static_cast<std::ptrdiff_t>(n));
  std::unordered_set<std::int64_t> kept;
  for (const CocoImage& img : out.images) kept.insert(img.id);
  for (const CocoAnnotation& a : gt.annotations)
    if (kept.contains(a.image_id)) out.annotations.push_back(a);
  return out;
}

}  // namespace eb::bench
