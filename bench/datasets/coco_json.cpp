#include "bench/datasets/coco_json.h"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <unordered_set>

#include "bench/datasets/file_bytes.h"

namespace eb::bench {
namespace {

using json = nlohmann::json;

std::string json_type(const json& v) {
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (!std::isfinite(d) || d != std::floor(d)) return "a number with a fraction";
    // 1e30 or 5.0: whole, but written as a real number (and perhaps beyond int64).
    return std::fabs(d) < 9.2e18 ? "a number written with a decimal point or exponent" : "a number beyond the integer range";
  }
  return v.type_name();
}

json parse_json(std::string_view text, const std::string& source) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    // nlohmann's message reads "[json.exception.parse_error.101] parse error at line 3, column 5: ..."
    std::string what = e.what();
    if (const auto p = what.find("] "); p != std::string::npos) what = what.substr(p + 2);
    throw std::invalid_argument(source + ": invalid JSON: " + what);
  }
}

// Reads the fields of one entry ("annotations[3] (id 17)"), failing with a message that
// names the file, the entry and the problem.
class Entry {
 public:
  Entry(const std::string& source, std::string label, const json& value) : source_(source), label_(std::move(label)), value_(value) {
    if (!value_.is_object()) fail("is " + json_type(value_) + ", expected an object");
  }

  [[noreturn]] void fail(const std::string& problem) const { throw std::invalid_argument(source_ + ": " + label_ + ": " + problem); }

  void name_id(std::int64_t id) { label_ += " (id " + std::to_string(id) + ")"; }

  bool has(const char* key) const { return value_.contains(key); }

  const json& field(const char* key) const {
    const auto it = value_.find(key);
    if (it == value_.end()) fail(std::string("missing field '") + key + "'");
    return *it;
  }

  std::int64_t integer(const char* key) const {
    const json& v = field(key);
    if (v.is_number_integer()) {
      if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        fail(std::string("'") + key + "' is too large");
      return v.get<std::int64_t>();
    }
    fail(std::string("'") + key + "' is " + json_type(v) + ", expected an integer");
  }

  double number(const char* key) const {
    const json& v = field(key);
    if (!v.is_number()) fail(std::string("'") + key + "' is " + json_type(v) + ", expected a number");
    const double d = v.get<double>();
    if (!std::isfinite(d)) fail(std::string("'") + key + "' is not finite");
    return d;
  }

  std::string text(const char* key) const {
    const json& v = field(key);
    if (!v.is_string()) fail(std::string("'") + key + "' is " + json_type(v) + ", expected a string");
    return v.get<std::string>();
  }

  int dimension(const char* key) const {
    const std::int64_t v = integer(key);
    if (v <= 0 || v > std::numeric_limits<int>::max()) fail(std::string("'") + key + "' must be a positive integer, not " + std::to_string(v));
    return static_cast<int>(v);
  }

  BoxXywh bbox() const {
    const json& v = field("bbox");
    if (!v.is_array() || v.size() != 4) fail("'bbox' must be an array of 4 numbers [x, y, width, height]");
    double c[4];
    for (std::size_t i = 0; i < 4; ++i) {
      if (!v[i].is_number()) fail("'bbox'[" + std::to_string(i) + "] is " + json_type(v[i]) + ", expected a number");
      c[i] = v[i].get<double>();
      if (!std::isfinite(c[i])) fail("'bbox'[" + std::to_string(i) + "] is not finite");
    }
    // The value as the file wrote it: "-3", not "-3.0".
    if (c[2] < 0) fail("bbox has a negative width (" + v[2].dump() + ")");
    if (c[3] < 0) fail("bbox has a negative height (" + v[3].dump() + ")");
    return {c[0], c[1], c[2], c[3]};
  }

  bool crowd_flag() const {
    const json& v = field("iscrowd");
    if (v.is_boolean()) return v.get<bool>();
    if (v.is_number_integer() && (v.get<std::int64_t>() == 0 || v.get<std::int64_t>() == 1)) return v.get<std::int64_t>() == 1;
    fail("'iscrowd' must be 0 or 1, not " + v.dump());
  }

 private:
  const std::string& source_;
  std::string label_;
  const json& value_;
};

const json& top_level_array(const json& doc, const char* key, const std::string& source) {
  const auto it = doc.find(key);
  if (it == doc.end()) throw std::invalid_argument(source + ": missing top-level field '" + key + "'");
  if (!it->is_array()) throw std::invalid_argument(source + ": '" + key + "' is " + json_type(*it) + ", expected an array");
  return *it;
}

std::string label(const char* array, std::size_t i) { return std::string(array) + "[" + std::to_string(i) + "]"; }

}  // namespace

CocoGroundTruth parse_coco_ground_truth(std::string_view json_text, const std::string& source) {
  const json doc = parse_json(json_text, source);
  if (!doc.is_object()) throw std::invalid_argument(source + ": expected a JSON object with images, annotations and categories");
  CocoGroundTruth gt;
  gt.source = source;

  std::unordered_set<std::int64_t> image_ids, category_ids, annotation_ids;
  const json& images = top_level_array(doc, "images", source);
  gt.images.reserve(images.size());
  for (std::size_t i = 0; i < images.size(); ++i) {
    Entry e(source, label("images", i), images[i]);
    CocoImage img;
    img.id = e.integer("id");
    e.name_id(img.id);
    if (!image_ids.insert(img.id).second) e.fail("duplicate image id");
    if (e.has("file_name")) img.file_name = e.text("file_name");
    if (e.has("width")) img.width = e.dimension("width");
    if (e.has("height")) img.height = e.dimension("height");
    gt.images.push_back(std::move(img));
  }

  const json& categories = top_level_array(doc, "categories", source);
  gt.categories.reserve(categories.size());
  for (std::size_t i = 0; i < categories.size(); ++i) {
    Entry e(source, label("categories", i), categories[i]);
    CocoCategory cat;
    cat.id = e.integer("id");
    e.name_id(cat.id);
    if (!category_ids.insert(cat.id).second) e.fail("duplicate category id");
    cat.name = e.text("name");
    gt.categories.push_back(std::move(cat));
  }

  const json& annotations = top_level_array(doc, "annotations", source);
  gt.annotations.reserve(annotations.size());
  for (std::size_t i = 0; i < annotations.size(); ++i) {
    Entry e(source, label("annotations", i), annotations[i]);
    CocoAnnotation a;
    a.id = e.integer("id");
    e.name_id(a.id);
    // pycocotools indexes annotations by id, so a repeated id would silently replace another.
    if (!annotation_ids.insert(a.id).second) e.fail("duplicate annotation id");
    a.image_id = e.integer("image_id");
    if (!image_ids.contains(a.image_id)) e.fail("image_id " + std::to_string(a.image_id) + " does not exist in 'images'");
    a.category_id = e.integer("category_id");
    if (!category_ids.contains(a.category_id))
      e.fail("category_id " + std::to_string(a.category_id) + " does not exist in 'categories'");
    a.bbox = e.bbox();
    a.area = e.number("area");
    if (a.area < 0) e.fail("'area' is negative (" + e.field("area").dump() + ")");
    a.iscrowd = e.crowd_flag();
    gt.annotations.push_back(a);
  }
  return gt;
}

CocoGroundTruth read_coco_ground_truth(const std::filesystem::path& path) {
  return parse_coco_ground_truth(read_file_text(path), path.string());
}

std::vector<CocoDetection> parse_coco_detections(std::string_view json_text, const std::string& source,
                                                 const CocoGroundTruth& ground_truth) {
  const json doc = parse_json(json_text, source);
  if (!doc.is_array()) throw std::invalid_argument(source + ": expected a JSON array of detections, found " + json_type(doc));
  std::unordered_set<std::int64_t> image_ids;
  for (const CocoImage& img : ground_truth.images) image_ids.insert(img.id);
  std::vector<CocoDetection> out;
  out.reserve(doc.size());
  for (std::size_t i = 0; i < doc.size(); ++i) {
    Entry e(source, label("detections", i), doc[i]);
    CocoDetection d;
    d.image_id = e.integer("image_id");
    if (!image_ids.contains(d.image_id))
      e.fail("image_id " + std::to_string(d.image_id) + " does not exist in the ground truth " + ground_truth.source);
    d.category_id = e.integer("category_id");
    d.bbox = e.bbox();
    d.score = e.number("score");
    out.push_back(d);
  }
  return out;
}

std::vector<CocoDetection> read_coco_detections(const std::filesystem::path& path, const CocoGroundTruth& ground_truth) {
  return parse_coco_detections(read_file_text(path), path.string(), ground_truth);
}

namespace {

json box_json(const BoxXywh& b) { return json::array({b.x, b.y, b.w, b.h}); }

}  // namespace

json to_json(const CocoGroundTruth& gt) {
  json images = json::array(), categories = json::array(), annotations = json::array();
  for (const CocoImage& img : gt.images) {
    json j = {{"id", img.id}};
    if (!img.file_name.empty()) j["file_name"] = img.file_name;
    if (img.width > 0) j["width"] = img.width;
    if (img.height > 0) j["height"] = img.height;
    images.push_back(std::move(j));
  }
  for (const CocoCategory& c : gt.categories) categories.push_back({{"id", c.id}, {"name", c.name}});
  for (const CocoAnnotation& a : gt.annotations) {
    const BoxXywh& b = a.bbox;
    const json polygon = json::array({json::array({b.x, b.y, b.x + b.w, b.y, b.x + b.w, b.y + b.h, b.x, b.y + b.h})});
    annotations.push_back({{"id", a.id},
                           {"image_id", a.image_id},
                           {"category_id", a.category_id},
                           {"bbox", box_json(b)},
                           {"area", a.area},
                           {"iscrowd", a.iscrowd ? 1 : 0},
                           {"segmentation", polygon}});
  }
  return {{"info", {{"description", "written by edgebench"}}},
          {"images", std::move(images)},
          {"categories", std::move(categories)},
          {"annotations", std::move(annotations)}};
}

json detections_to_json(std::span<const CocoDetection> detections) {
  json out = json::array();
  for (const CocoDetection& d : detections)
    out.push_back({{"image_id", d.image_id}, {"category_id", d.category_id}, {"bbox", box_json(d.bbox)}, {"score", d.score}});
  return out;
}

}  // namespace eb::bench
