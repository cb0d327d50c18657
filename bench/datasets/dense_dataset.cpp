#include "bench/datasets/dense_dataset.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "bench/datasets/file_bytes.h"
#include "bench/datasets/image_codec.h"

namespace eb::bench {
namespace fs = std::filesystem;

namespace {

using json = nlohmann::json;

fs::path first_existing(const fs::path& root, std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (fs::is_directory(root / n)) return root / n;
  return {};
}

}  // namespace

void parse_dataset_manifest(std::string_view json_text, const std::string& source, DenseDatasetInfo& info) {
  json doc;
  try {
    doc = json::parse(json_text);
  } catch (const json::parse_error& e) {
    std::string what = e.what();
    if (const auto p = what.find("] "); p != std::string::npos) what = what.substr(p + 2);
    throw std::invalid_argument(source + ": invalid JSON: " + what);
  }
  if (!doc.is_object()) throw std::invalid_argument(source + ": expected a JSON object");
  const auto fail = [&](const std::string& key, const std::string& problem) {
    throw std::invalid_argument(source + ": '" + key + "' " + problem);
  };
  const auto text = [&](const char* key, auto set) {
    if (!doc.contains(key)) return;
    if (!doc[key].is_string()) fail(key, "must be a string");
    set(doc[key].get<std::string>());
  };
  const auto folder = [&](const char* key, fs::path& out) {
    text(key, [&](const std::string& v) {
      out = info.root / v;
      if (!fs::is_directory(out)) fail(key, "names folder " + out.string() + ", which does not exist");
    });
  };
  folder("images", info.images);
  folder("labels", info.labels);
  folder("depth", info.depth);
  text("image_suffix", [&](const std::string& v) { info.image_suffix = v; });
  text("label_suffix", [&](const std::string& v) { info.label_suffix = v; });
  text("depth_suffix", [&](const std::string& v) { info.depth_suffix = v; });
  if (doc.contains("num_classes")) {
    const json& v = doc["num_classes"];
    if (!v.is_number_integer() || v.get<std::int64_t>() < 1 || v.get<std::int64_t>() > 65535) fail("num_classes", "must be an integer in 1..65535");
    info.num_classes = v.get<int>();
  }
  if (doc.contains("ignore_index")) {
    const json& v = doc["ignore_index"];
    if (!v.is_number_integer() || v.get<std::int64_t>() < 0 || v.get<std::int64_t>() > 65535) fail("ignore_index", "must be an integer in 0..65535");
    info.ignore_index = v.get<int>();
  }
  if (doc.contains("depth_scale")) {
    const json& v = doc["depth_scale"];
    if (!v.is_number() || !(v.get<double>() > 0) || !std::isfinite(v.get<double>())) fail("depth_scale", "must be a positive number");
    info.depth_scale = v.get<double>();
  }
  if (doc.contains("classes")) {
    const json& v = doc["classes"];
    if (!v.is_array()) fail("classes", "must be an array of names");
    for (const json& n : v) {
      if (!n.is_string()) fail("classes", "must be an array of names");
      info.class_names.push_back(n.get<std::string>());
    }
    if (info.num_classes && static_cast<std::size_t>(*info.num_classes) != info.class_names.size())
      fail("classes", "has " + std::to_string(info.class_names.size()) + " names but num_classes is " + std::to_string(*info.num_classes));
    if (!info.num_classes) info.num_classes = static_cast<int>(info.class_names.size());
  }
}

namespace {

// dataset.json, checked key by key.
void read_manifest(const fs::path& file, DenseDatasetInfo& info) { parse_dataset_manifest(read_file_text(file), file.string(), info); }

bool is_picture(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg";
}

std::string strip_suffix(std::string s, const std::string& suffix) {
  if (!suffix.empty() && s.ends_with(suffix)) s.resize(s.size() - suffix.size());
  return s;
}

}  // namespace

DenseDataset DenseDataset::open(const fs::path& root) {
  if (!fs::is_directory(root)) throw std::invalid_argument(root.string() + ": no such data-set folder");
  DenseDataset d;
  DenseDatasetInfo& info = d.info_;
  info.root = root;
  if (fs::is_regular_file(root / "dataset.json")) read_manifest(root / "dataset.json", info);
  if (info.images.empty()) info.images = first_existing(root, {"images", "image", "rgb", "leftImg8bit"});
  if (info.labels.empty()) info.labels = first_existing(root, {"labels", "label", "segmentation", "semseg", "gtFine"});
  if (info.depth.empty()) info.depth = first_existing(root, {"depth"});
  if (info.images.empty()) throw std::invalid_argument(root.string() + ": no picture folder (expected images/)");
  if (info.labels.empty() && info.depth.empty())
    throw std::invalid_argument(root.string() + ": neither labels/ nor depth/ found: nothing to evaluate against");

  std::vector<fs::path> pictures;
  for (const auto& e : fs::recursive_directory_iterator(info.images))
    if (e.is_regular_file() && is_picture(e.path())) pictures.push_back(e.path());
  std::sort(pictures.begin(), pictures.end());
  if (pictures.empty()) throw std::invalid_argument(info.images.string() + ": no PNG or JPEG pictures");

  for (const fs::path& p : pictures) {
    DenseSample s;
    s.image = p;
    fs::path rel = fs::relative(p, info.images);
    s.name = strip_suffix((rel.parent_path() / rel.stem()).generic_string(), info.image_suffix);
    if (!info.labels.empty()) {
      const fs::path label = info.labels / (s.name + info.label_suffix + ".png");
      if (!fs::is_regular_file(label)) throw std::invalid_argument(p.string() + ": no label map (expected " + label.string() + ")");
      s.label = label;
    }
    if (!info.depth.empty()) {
      const fs::path png = info.depth / (s.name + info.depth_suffix + ".png");
      const fs::path npy = info.depth / (s.name + info.depth_suffix + ".npy");
      if (fs::is_regular_file(png)) s.depth = png;
      else if (fs::is_regular_file(npy)) s.depth = npy;
      else throw std::invalid_argument(p.string() + ": no depth map (expected " + png.string() + " or " + npy.string() + ")");
    }
    d.samples_.push_back(std::move(s));
  }
  return d;
}

LoadedDenseSample DenseDataset::load(std::size_t i) const {
  const DenseSample& s = samples_.at(i);
  LoadedDenseSample out;
  out.image = read_rgb_image(s.image);
  const auto check_size = [&](const fs::path& file, int w, int h) {
    if (w != out.image.width || h != out.image.height)
      throw std::invalid_argument(file.string() + ": is " + std::to_string(w) + "x" + std::to_string(h) + " but its picture " +
                                  s.image.string() + " is " + std::to_string(out.image.width) + "x" + std::to_string(out.image.height));
  };
  if (s.label) {
    out.label = read_gray_png(*s.label);
    check_size(*s.label, out.label->width, out.label->height);
  }
  if (s.depth) {
    out.depth = read_depth_map(*s.depth, info_.depth_scale);
    check_size(*s.depth, out.depth->width, out.depth->height);
  }
  return out;
}

void DenseDataset::limit(std::size_t n) {
  if (n < samples_.size()) samples_.resize(n);
}

DepthMap depth_from_codes(const GrayImage& codes, double scale) {
  if (!(scale > 0)) throw std::invalid_argument("depth scale must be positive");
  DepthMap d(codes.width, codes.height);
  for (std::size_t i = 0; i < codes.values.size(); ++i) d.metres[i] = static_cast<float>(codes.values[i] / scale);
  return d;
}

DepthMap depth_from_npy(const NpyArray& a, const std::string& name) {
  std::vector<std::int64_t> s = a.shape;
  if (s.size() == 3 && s[0] == 1) s.erase(s.begin());
  else if (s.size() == 3 && s[2] == 1) s.pop_back();
  if (s.size() != 2 || s[0] <= 0 || s[1] <= 0 || s[0] > 1 << 20 || s[1] > 1 << 20)
    throw std::invalid_argument(name + ": a depth map must have shape [H, W] (or [1, H, W], [H, W, 1])");
  DepthMap d(static_cast<int>(s[1]), static_cast<int>(s[0]));
  for (std::size_t i = 0; i < a.values.size(); ++i) d.metres[i] = static_cast<float>(a.values[i]);
  return d;
}

DepthMap read_depth_map(const fs::path& path, double scale) {
  if (path.extension() == ".npy") return depth_from_npy(read_npy(path), path.string());
  return depth_from_codes(read_gray_png(path), scale);
}

}  // namespace eb::bench
