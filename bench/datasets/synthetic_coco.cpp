#include "bench/datasets/synthetic_coco.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "bench/datasets/file_bytes.h"
#include "core/rng.h"

namespace eb::bench {
namespace {

constexpr double kPi = 3.14159265358979323846;

double uniform(Rng& rng, double lo, double hi) { return lo + (hi - lo) * static_cast<double>(rng.uniform01()); }
bool chance(Rng& rng, double p) { return static_cast<double>(rng.uniform01()) < p; }
// Two decimals, as COCO's own files store coordinates.
double round2(double v) { return std::round(v * 100.0) / 100.0; }

// Objects with an odd category id are ellipses: their segment is smaller than their box.
bool is_ellipse(std::int64_t category_id) { return category_id % 2 == 1; }

BoxXywh clip(BoxXywh b, int width, int height) {
  const double x0 = std::clamp(b.x, 0.0, static_cast<double>(width)), y0 = std::clamp(b.y, 0.0, static_cast<double>(height));
  const double x1 = std::clamp(b.x + b.w, 0.0, static_cast<double>(width)), y1 = std::clamp(b.y + b.h, 0.0, static_cast<double>(height));
  return {round2(x0), round2(y0), round2(std::max(x1 - x0, 0.0)), round2(std::max(y1 - y0, 0.0))};
}

// Sizes spread over COCO's small (< 32²), medium and large (> 96²) ranges.
BoxXywh random_box(Rng& rng, int width, int height, double scale) {
  const double side = std::exp(uniform(rng, std::log(6.0), std::log(std::min(width, height) * 0.8))) * scale;
  const double aspect = std::exp(uniform(rng, -0.7, 0.7));
  const double w = std::min(side * aspect, width * 0.95), h = std::min(side / aspect, height * 0.95);
  return clip({uniform(rng, 0, width - w), uniform(rng, 0, height - h), w, h}, width, height);
}

BoxXywh jitter(Rng& rng, const BoxXywh& b, double amount, int width, int height) {
  const double dx = uniform(rng, -amount, amount) * b.w, dy = uniform(rng, -amount, amount) * b.h;
  const double sw = 1 + uniform(rng, -amount, amount), sh = 1 + uniform(rng, -amount, amount);
  return clip({b.x + dx, b.y + dy, b.w * sw, b.h * sh}, width, height);
}

double score(Rng& rng, double lo, double hi, double step) {
  const double s = uniform(rng, lo, hi);
  return step > 0 ? std::max(step, std::round(s / step) * step) : s;
}

void check(const CocoCaseOptions& o) {
  if (o.images < 0 || o.width < 8 || o.height < 8 || o.categories < 1 || o.max_objects < 0 || o.false_positives < 0 ||
      o.flood < 0)
    throw std::invalid_argument("synthetic COCO case: images >= 0, width and height >= 8, categories >= 1 and counts >= 0 are required");
}

}  // namespace

CocoCase make_coco_case(const CocoCaseOptions& o) {
  check(o);
  CocoCase out;
  CocoGroundTruth& gt = out.ground_truth;
  gt.source = "synthetic (seed " + std::to_string(o.seed) + ")";
  static constexpr const char* kNames[] = {"person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck"};
  for (int c = 0; c < o.categories; ++c)
    gt.categories.push_back({c + 1, c < 8 ? kNames[c] : "category" + std::to_string(c + 1)});
  const int detected_categories = std::max(1, o.categories - 1);  // the last listed category has no ground truth
  const std::int64_t unlisted_category = o.categories + 1;

  std::int64_t next_annotation = 1;
  for (int i = 0; i < o.images; ++i) {
    Rng rng(derive_seed(o.seed, "coco-image:" + std::to_string(i)));
    CocoImage img;
    img.id = 100 + 7 * static_cast<std::int64_t>(i);  // not 0..n-1: ids are names, not indices
    img.width = static_cast<int>(std::lround(o.width * uniform(rng, 0.75, 1.25)));
    img.height = static_cast<int>(std::lround(o.height * uniform(rng, 0.75, 1.25)));
    img.file_name = std::to_string(img.id) + ".jpg";
    const bool empty = chance(rng, o.empty_fraction);
    const bool undetected = chance(rng, o.undetected_fraction);
    const int objects = empty ? 0 : static_cast<int>(rng.below(static_cast<std::uint64_t>(o.max_objects) + 1));

    for (int n = 0; n < objects; ++n) {
      CocoAnnotation a;
      a.id = next_annotation++;
      a.image_id = img.id;
      a.category_id = 1 + static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(detected_categories)));
      a.iscrowd = chance(rng, o.crowd_fraction);
      a.bbox = random_box(rng, img.width, img.height, a.iscrowd ? 1.5 : 1.0);
      if (a.bbox.w <= 0 || a.bbox.h <= 0) continue;
      a.area = is_ellipse(a.category_id) ? round2(kPi / 4 * a.bbox.w * a.bbox.h) : round2(a.bbox.w * a.bbox.h);
      gt.annotations.push_back(a);
      if (undetected) continue;
      if (a.iscrowd) {  // a few detections inside the crowd region: neither true nor false positives
        for (int k = 0, n_in = static_cast<int>(rng.below(3)); k < n_in; ++k) {
          const BoxXywh& b = a.bbox;
          const double w = b.w * uniform(rng, 0.2, 0.5), h = b.h * uniform(rng, 0.2, 0.5);
          out.detections.push_back({img.id, a.category_id,
                                    clip({b.x + uniform(rng, 0, b.w - w), b.y + uniform(rng, 0, b.h - h), w, h}, img.width, img.height),
                                    score(rng, 0.2, 0.9, o.score_step)});
        }
        continue;
      }
      if (chance(rng, o.detect_probability)) {
        const std::int64_t category = chance(rng, 0.1) ? 1 + static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(o.categories)))
                                                        : a.category_id;
        out.detections.push_back({img.id, category, jitter(rng, a.bbox, 0.12, img.width, img.height), score(rng, 0.3, 1.0, o.score_step)});
        if (chance(rng, 0.2))  // a duplicate: a false positive once the first has matched
          out.detections.push_back({img.id, category, jitter(rng, a.bbox, 0.2, img.width, img.height), score(rng, 0.1, 0.8, o.score_step)});
      }
    }
    if (!undetected) {
      for (int k = 0, fps = static_cast<int>(rng.below(static_cast<std::uint64_t>(o.false_positives) + 1)); k < fps; ++k) {
        const std::int64_t category = chance(rng, 0.15) ? unlisted_category : 1 + static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(o.categories)));
        out.detections.push_back({img.id, category, random_box(rng, img.width, img.height, 1.0), score(rng, 0.01, 0.6, o.score_step)});
      }
      if (i == 0 && o.flood > 0) {  // one image and category with more detections than maxDets
        for (int k = 0; k < o.flood; ++k)
          out.detections.push_back({img.id, 1, random_box(rng, img.width, img.height, 1.0), score(rng, 0.0, 1.0, o.score_step)});
      }
    }
    gt.images.push_back(std::move(img));
  }
  return out;
}

RgbImage render_coco_image(const CocoGroundTruth& gt, const CocoImage& image, std::uint64_t seed) {
  if (image.width <= 0 || image.height <= 0) throw std::invalid_argument("render_coco_image: image " + std::to_string(image.id) + " has no size");
  RgbImage img(image.width, image.height);
  Rng rng(derive_seed(seed, "coco-pixels:" + std::to_string(image.id)));
  const int r0 = static_cast<int>(rng.below(128)), g0 = static_cast<int>(rng.below(128)), b0 = static_cast<int>(rng.below(128));
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x) {
      img.at(x, y, 0) = static_cast<std::uint8_t>(r0 + 100 * y / img.height);
      img.at(x, y, 1) = static_cast<std::uint8_t>(g0 + 100 * x / img.width);
      img.at(x, y, 2) = static_cast<std::uint8_t>(b0 + 60);
    }
  for (const CocoAnnotation& a : gt.annotations) {
    if (a.image_id != image.id) continue;
    const auto c = static_cast<std::uint64_t>(a.category_id);
    const std::uint8_t colour[3] = {static_cast<std::uint8_t>(37 * c % 256), static_cast<std::uint8_t>(91 * c % 256),
                                    static_cast<std::uint8_t>(173 * c % 256)};
    const int x0 = static_cast<int>(a.bbox.x), y0 = static_cast<int>(a.bbox.y);
    const int x1 = std::min(img.width, static_cast<int>(std::ceil(a.bbox.x + a.bbox.w)));
    const int y1 = std::min(img.height, static_cast<int>(std::ceil(a.bbox.y + a.bbox.h)));
    const double cx = a.bbox.x + a.bbox.w / 2, cy = a.bbox.y + a.bbox.h / 2;
    for (int y = y0; y < y1; ++y)
      for (int x = x0; x < x1; ++x) {
        if (is_ellipse(a.category_id)) {
          const double u = (x + 0.5 - cx) / (a.bbox.w / 2), v = (y + 0.5 - cy) / (a.bbox.h / 2);
          if (u * u + v * v > 1) continue;
        }
        if (a.iscrowd && (x + y) / 4 % 2 == 0) continue;  // a crowd: stripes of the category's colour
        for (int ch = 0; ch < 3; ++ch) img.at(x, y, ch) = colour[ch];
      }
  }
  return img;
}

void write_coco_dataset(const std::filesystem::path& dir, const CocoDatasetOptions& options) {
  CocoCase c = make_coco_case(options.annotations);
  const char* ext = options.format == ImageFormat::jpeg ? ".jpg" : ".png";
  std::filesystem::create_directories(dir / "images");
  for (CocoImage& image : c.ground_truth.images) {
    image.file_name = std::to_string(image.id) + ext;
    const RgbImage pixels = render_coco_image(c.ground_truth, image, options.annotations.seed);
    if (options.format == ImageFormat::jpeg) write_jpeg(dir / "images" / image.file_name, pixels, options.jpeg_quality);
    else write_png(dir / "images" / image.file_name, pixels);
  }
  write_file_text(dir / "annotations.json", to_json(c.ground_truth).dump(1) + "\n");
  write_file_text(dir / "detections.json", detections_to_json(c.detections).dump(1) + "\n");
}

}  // namespace eb::bench
