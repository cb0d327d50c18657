// Synthetic COCO-style data: ground truth and detections with every feature the COCO
// evaluation treats specially, and (for demos and end-to-end tests) a data-set folder with
// the pictures drawn from that ground truth.
//
// Everything is a pure function of the options (eb::Rng streams derived from the seed), so
// a test and the generator command produce the same case on every machine.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "bench/datasets/coco_json.h"
#include "bench/datasets/image_codec.h"

namespace eb::bench {

struct CocoCaseOptions {
  std::uint64_t seed = 1;
  int images = 8;
  int width = 320;  // image sizes vary within ±25 % of these
  int height = 240;
  // Listed categories (COCO ids 1, 2, 3, ...). The last has no ground truth at all, and
  // detections also use one id the ground truth does not list.
  int categories = 4;
  int max_objects = 6;             // per image (0..max_objects)
  double crowd_fraction = 0.15;    // of objects, marked iscrowd (drawn larger)
  double empty_fraction = 0.15;    // images without any ground truth
  double undetected_fraction = 0.15;  // images without any detection
  double detect_probability = 0.8;    // a real object gets a (jittered) detection
  int false_positives = 3;            // per image, at most
  int flood = 0;                      // extra detections for one image and category (> 100 exercises maxDets)
  double score_step = 0;              // > 0: scores rounded to multiples of this, so that many tie
};

struct CocoCase {
  CocoGroundTruth ground_truth;
  std::vector<CocoDetection> detections;
};

// Annotation ids start at 1 (see coco_eval.h on id 0). Areas of ellipse-shaped objects are
// their ellipse's area, smaller than the box, as COCO's segment areas are.
CocoCase make_coco_case(const CocoCaseOptions& options);

struct CocoDatasetOptions {
  CocoCaseOptions annotations;
  ImageFormat format = ImageFormat::jpeg;
  int jpeg_quality = 90;
};

// Writes DIR/images/<id>.jpg|png, DIR/annotations.json (instances format) and
// DIR/detections.json (the case's detections, in results format). Creates DIR.
void write_coco_dataset(const std::filesystem::path& dir, const CocoDatasetOptions& options);

// The picture of one image of a case: a gradient with each object drawn in its category's
// colour (rectangles or ellipses, crowd regions as stripes).
RgbImage render_coco_image(const CocoGroundTruth& ground_truth, const CocoImage& image, std::uint64_t seed);

}  // namespace eb::bench
