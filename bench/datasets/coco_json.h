// COCO-format ground truth (instances_*.json) and detection results files, read strictly.
//
// Only what bounding-box evaluation and image loading use is kept. Every problem is
// reported as one std::invalid_argument line naming the file, the entry and the problem:
//   "val.json: annotations[3] (id 17): bbox has a negative width (-2)"
// What is checked, beyond JSON syntax and field types:
//   ground truth  `images`, `annotations`, `categories` are arrays; ids are integers and
//                 unique within their array; an annotation names an existing image and
//                 category and has `bbox` [x, y, w, h] (finite, w and h >= 0), `area`
//                 (finite, >= 0) and `iscrowd` (0/1 or a boolean). `file_name`, `width` and
//                 `height` of an image are optional here (evaluation does not need them)
//                 but type-checked when present; loading pictures requires them.
//   results       a JSON array of {image_id, category_id, bbox, score}; image_id must be an
//                 image of the ground truth (pycocotools refuses such files too); a
//                 category_id the ground truth does not list is kept here and left out of
//                 evaluation, as pycocotools does.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace eb::bench {

// COCO's box convention: top-left corner and size, in pixels of the original image.
struct BoxXywh {
  double x = 0, y = 0, w = 0, h = 0;
  friend bool operator==(const BoxXywh&, const BoxXywh&) = default;
};

struct CocoImage {
  std::int64_t id = 0;
  std::string file_name;  // relative to the data set's image folder; empty when absent
  int width = 0;          // 0 when absent
  int height = 0;
};

struct CocoCategory {
  std::int64_t id = 0;
  std::string name;
};

struct CocoAnnotation {
  std::int64_t id = 0;
  std::int64_t image_id = 0;
  std::int64_t category_id = 0;
  BoxXywh bbox;
  double area = 0;  // the segment's area as the file gives it; COCO's area ranges use this
  bool iscrowd = false;
};

struct CocoGroundTruth {
  std::string source;  // file name for messages
  std::vector<CocoImage> images;
  std::vector<CocoCategory> categories;
  std::vector<CocoAnnotation> annotations;
};

// One detection in COCO results format.
struct CocoDetection {
  std::int64_t image_id = 0;
  std::int64_t category_id = 0;
  BoxXywh bbox;
  double score = 0;
};

CocoGroundTruth parse_coco_ground_truth(std::string_view json_text, const std::string& source);
CocoGroundTruth read_coco_ground_truth(const std::filesystem::path& path);

std::vector<CocoDetection> parse_coco_detections(std::string_view json_text, const std::string& source,
                                                 const CocoGroundTruth& ground_truth);
std::vector<CocoDetection> read_coco_detections(const std::filesystem::path& path, const CocoGroundTruth& ground_truth);

// The same formats written back (ground truth with `info`, and `segmentation` as the box
// polygon so that COCO tools that expect the field accept the file).
nlohmann::json to_json(const CocoGroundTruth& ground_truth);
nlohmann::json detections_to_json(std::span<const CocoDetection> detections);

}  // namespace eb::bench
