// Strict reading of COCO ground truth and results: malformed entries are rejected with one
// line naming the file, the entry and the problem.
#include <gtest/gtest.h>

#include "bench/datasets/coco_json.h"
#include "bench/datasets/file_bytes.h"
#include "tests/support/temp_dir.h"

namespace eb::bench {
namespace {

using json = nlohmann::json;

json valid_ground_truth() {
  return json::parse(R"({
    "images": [{"id": 1, "file_name": "a.jpg", "width": 64, "height": 48}, {"id": 2}],
    "categories": [{"id": 1, "name": "person"}, {"id": 3, "name": "car"}],
    "annotations": [
      {"id": 10, "image_id": 1, "category_id": 1, "bbox": [1, 2, 30, 20], "area": 600, "iscrowd": 0},
      {"id": 11, "image_id": 2, "category_id": 3, "bbox": [0.5, 0.5, 5.25, 4], "area": 21, "iscrowd": true}
    ]})");
}

// The message of the std::invalid_argument that parsing `doc` throws ("" when none).
std::string text_error(const std::string& text) {
  try {
    parse_coco_ground_truth(text, "val.json");
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

std::string ground_truth_error(const json& doc) { return text_error(doc.dump()); }

std::string detections_error(const std::string& text) {
  const CocoGroundTruth gt = parse_coco_ground_truth(valid_ground_truth().dump(), "val.json");
  try {
    parse_coco_detections(text, "results.json", gt);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

#define EXPECT_MESSAGE(message, ...)                                                    \
  do {                                                                                  \
    const std::string m_ = (message);                                                   \
    for (const char* part : {__VA_ARGS__}) EXPECT_NE(m_.find(part), std::string::npos) << "'" << part << "' not in: " << m_; \
  } while (0)

TEST(CocoJson, ReadsAValidFile) {
  const CocoGroundTruth gt = parse_coco_ground_truth(valid_ground_truth().dump(), "val.json");
  ASSERT_EQ(gt.images.size(), 2u);
  EXPECT_EQ(gt.images[0].file_name, "a.jpg");
  EXPECT_EQ(gt.images[0].width, 64);
  EXPECT_EQ(gt.images[1].width, 0) << "width is optional for evaluation";
  ASSERT_EQ(gt.annotations.size(), 2u);
  EXPECT_EQ(gt.annotations[1].bbox, (BoxXywh{0.5, 0.5, 5.25, 4}));
  EXPECT_TRUE(gt.annotations[1].iscrowd);
  EXPECT_DOUBLE_EQ(gt.annotations[0].area, 600);
}

TEST(CocoJson, RoundTripsThroughItsWriter) {
  const CocoGroundTruth gt = parse_coco_ground_truth(valid_ground_truth().dump(), "val.json");
  const CocoGroundTruth back = parse_coco_ground_truth(to_json(gt).dump(), "again.json");
  ASSERT_EQ(back.annotations.size(), gt.annotations.size());
  for (std::size_t i = 0; i < gt.annotations.size(); ++i) {
    EXPECT_EQ(back.annotations[i].bbox, gt.annotations[i].bbox);
    EXPECT_EQ(back.annotations[i].area, gt.annotations[i].area);
    EXPECT_EQ(back.annotations[i].iscrowd, gt.annotations[i].iscrowd);
  }
  const std::vector<CocoDetection> dt = {{1, 3, {0.1, 0.2, 0.3, 0.4}, 0.123456789012345}};
  const auto dt_back = parse_coco_detections(detections_to_json(dt).dump(), "r.json", gt);
  ASSERT_EQ(dt_back.size(), 1u);
  EXPECT_EQ(dt_back[0].bbox, dt[0].bbox);
  EXPECT_EQ(dt_back[0].score, dt[0].score) << "doubles must round-trip exactly";
}

TEST(CocoJson, InvalidJsonNamesTheFileAndPosition) {
  EXPECT_MESSAGE(text_error("{\"images\": [\n  {\"id\": 1,}\n]}"), "val.json: invalid JSON", "line 2");
}

TEST(CocoJson, MissingTopLevelArray) {
  json doc = valid_ground_truth();
  doc.erase("categories");
  EXPECT_MESSAGE(ground_truth_error(doc), "val.json", "missing top-level field 'categories'");
  doc = valid_ground_truth();
  doc["images"] = json::object();
  EXPECT_MESSAGE(ground_truth_error(doc), "val.json", "'images' is object, expected an array");
}

TEST(CocoJson, MissingAnnotationFields) {
  for (const char* field : {"id", "image_id", "category_id", "bbox", "area", "iscrowd"}) {
    json doc = valid_ground_truth();
    doc["annotations"][1].erase(field);
    const std::string entry = std::string(field) == "id" ? "annotations[1]:" : "annotations[1] (id 11):";
    const std::string problem = std::string("missing field '") + field + "'";
    EXPECT_MESSAGE(ground_truth_error(doc), "val.json: ", entry.c_str(), problem.c_str());
  }
}

TEST(CocoJson, NegativeBoxSize) {
  json doc = valid_ground_truth();
  doc["annotations"][0]["bbox"] = {1, 2, -3, 20};
  EXPECT_MESSAGE(ground_truth_error(doc), "val.json: annotations[0] (id 10): bbox has a negative width (-3)");
  doc["annotations"][0]["bbox"] = {1, 2, 3, -0.5};
  EXPECT_MESSAGE(ground_truth_error(doc), "val.json: annotations[0] (id 10): bbox has a negative height (-0.5)");
}

TEST(CocoJson, ImageOrCategoryThatDoesNotExist) {
  json doc = valid_ground_truth();
  doc["annotations"][1]["image_id"] = 99;
  EXPECT_MESSAGE(ground_truth_error(doc), "val.json: annotations[1] (id 11): image_id 99 does not exist in 'images'");
  doc = valid_ground_truth();
  doc["annotations"][0]["category_id"] = 2;
  EXPECT_MESSAGE(ground_truth_error(doc), "val.json: annotations[0] (id 10): category_id 2 does not exist in 'categories'");
}

TEST(CocoJson, WrongTypesAndValues) {
  json doc = valid_ground_truth();
  doc["annotations"][0]["bbox"] = {1, 2, 3};
  EXPECT_MESSAGE(ground_truth_error(doc), "annotations[0] (id 10): 'bbox' must be an array of 4 numbers");
  doc = valid_ground_truth();
  doc["annotations"][0]["bbox"][2] = "30";
  EXPECT_MESSAGE(ground_truth_error(doc), "annotations[0] (id 10): 'bbox'[2] is string, expected a number");
  doc = valid_ground_truth();
  doc["annotations"][0]["iscrowd"] = 2;
  EXPECT_MESSAGE(ground_truth_error(doc), "annotations[0] (id 10): 'iscrowd' must be 0 or 1, not 2");
  doc = valid_ground_truth();
  doc["annotations"][0]["area"] = -1;
  EXPECT_MESSAGE(ground_truth_error(doc), "annotations[0] (id 10): 'area' is negative");
  doc = valid_ground_truth();
  doc["images"][0]["id"] = 1.5;
  EXPECT_MESSAGE(ground_truth_error(doc), "val.json: images[0]: 'id' is a number with a fraction, expected an integer");
  doc = valid_ground_truth();
  doc["images"][1]["width"] = 0;
  EXPECT_MESSAGE(ground_truth_error(doc), "images[1] (id 2): 'width' must be a positive integer");
  doc = valid_ground_truth();
  doc["annotations"][0] = 5;
  EXPECT_MESSAGE(ground_truth_error(doc), "annotations[0]: is number, expected an object");
}

TEST(CocoJson, DuplicateIds) {
  json doc = valid_ground_truth();
  doc["annotations"][1]["id"] = 10;
  EXPECT_MESSAGE(ground_truth_error(doc), "annotations[1] (id 10): duplicate annotation id");
  doc = valid_ground_truth();
  doc["images"][1]["id"] = 1;
  EXPECT_MESSAGE(ground_truth_error(doc), "images[1] (id 1): duplicate image id");
  doc = valid_ground_truth();
  doc["categories"][1]["id"] = 1;
  EXPECT_MESSAGE(ground_truth_error(doc), "categories[1] (id 1): duplicate category id");
}

TEST(CocoJson, MalformedDetections) {
  EXPECT_MESSAGE(detections_error("{\"image_id\": 1}"), "results.json: expected a JSON array of detections");
  EXPECT_MESSAGE(detections_error("[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1, 1]}]"),
                 "results.json: detections[0]: missing field 'score'");
  EXPECT_MESSAGE(detections_error("[{\"image_id\": 7, \"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"score\": 0.5}]"),
                 "results.json: detections[0]: image_id 7 does not exist in the ground truth val.json");
  EXPECT_MESSAGE(detections_error("[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, -1, 1], \"score\": 0.5}]"),
                 "results.json: detections[0]: bbox has a negative width (-1)");
  EXPECT_MESSAGE(detections_error("[1, 2"), "results.json: invalid JSON");
}

TEST(CocoJson, DetectionsOfUnlistedCategoriesAreKept) {
  const CocoGroundTruth gt = parse_coco_ground_truth(valid_ground_truth().dump(), "val.json");
  const auto dt = parse_coco_detections(R"([{"image_id": 1, "category_id": 77, "bbox": [0, 0, 1, 1], "score": 0.5}])", "r.json", gt);
  EXPECT_EQ(dt.size(), 1u) << "the evaluation leaves them out, as pycocotools does";
}

TEST(CocoJson, FileErrorsNameThePath) {
  test::TempDir dir;
  try {
    read_coco_ground_truth(dir / "missing.json");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_MESSAGE(e.what(), "missing.json: cannot open");
  }
  write_file_text(dir / "broken.json", "{");
  EXPECT_THROW(
      {
        try {
          read_coco_ground_truth(dir / "broken.json");
        } catch (const std::invalid_argument& e) {
          EXPECT_MESSAGE(e.what(), "broken.json: invalid JSON");
          throw;
        }
      },
      std::invalid_argument);
}

}  // namespace
}  // namespace eb::bench
