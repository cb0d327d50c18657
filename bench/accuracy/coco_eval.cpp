#include "bench/accuracy/coco_eval.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <stdexcept>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>

#include "bench/accuracy/coco_matching.h"

namespace eb::bench {
namespace {

using coco::kAreaRanges;
using coco::kIouThresholds;
using coco::kMaxDets;
using coco::kRecallThresholds;
constexpr std::size_t kM = kMaxDets.size();
constexpr double kEps = 2.220446049250313e-16;  // numpy.spacing(1): keeps 0/0 out of precision

void check_detection(const CocoDetection& d, std::size_t i) {
  const auto fail = [&](const std::string& problem) {
    throw std::invalid_argument("detections[" + std::to_string(i) + "]: " + problem);
  };
  if (!std::isfinite(d.score)) fail("score is not finite");
  if (!std::isfinite(d.bbox.x) || !std::isfinite(d.bbox.y) || !std::isfinite(d.bbox.w) || !std::isfinite(d.bbox.h))
    fail("bbox is not finite");
  if (d.bbox.w < 0 || d.bbox.h < 0) fail("bbox has a negative size");
}

struct CellInput {
  std::vector<const CocoAnnotation*> ground_truth;
  std::vector<const CocoDetection*> detections;
};

// precision[t][r][k][a][m] and recall[t][k][a][m], -1 where undefined.
class Accumulated {
 public:
  explicit Accumulated(std::size_t categories)
      : K_(categories),
        precision_(kIouThresholds * kRecallThresholds * categories * kAreaRanges * kM, -1.0),
        recall_(kIouThresholds * categories * kAreaRanges * kM, -1.0) {}

  double& precision(std::size_t t, std::size_t r, std::size_t k, std::size_t a, std::size_t m) {
    return precision_[(((t * kRecallThresholds + r) * K_ + k) * kAreaRanges + a) * kM + m];
  }
  double& recall(std::size_t t, std::size_t k, std::size_t a, std::size_t m) { return recall_[((t * K_ + k) * kAreaRanges + a) * kM + m]; }

  // Mean of the defined values over IoU thresholds `ts` (and recall thresholds for AP) and
  // categories `ks`; -1 when none is defined.
  double mean(bool ap, std::span<const std::size_t> ts, std::span<const std::size_t> ks, std::size_t a, std::size_t m) {
    long double sum = 0;
    std::size_t n = 0;
    const auto add = [&](double v) {
      if (v > -1) sum += v, ++n;
    };
    for (std::size_t t : ts)
      for (std::size_t k : ks) {
        if (ap)
          for (std::size_t r = 0; r < kRecallThresholds; ++r) add(precision(t, r, k, a, m));
        else
          add(recall(t, k, a, m));
      }
    return n == 0 ? -1.0 : static_cast<double>(sum / static_cast<long double>(n));
  }

 private:
  std::size_t K_;
  std::vector<double> precision_;
  std::vector<double> recall_;
};

// Precision/recall of one category, area range and maxDets from its images' matches.
void accumulate_one(std::span<const coco::ImageCategoryMatch* const> cells, std::size_t k, std::size_t a, std::size_t m,
                    const std::array<double, kRecallThresholds>& recall_thresholds, Accumulated& acc) {
  if (cells.empty()) return;
  std::size_t npig = 0;
  for (const auto* c : cells) npig += c->areas[a].non_ignored_ground_truth;
  if (npig == 0) return;

  struct Ranked {
    double score;
    const coco::AreaMatch* match;
    std::size_t index;  // within its image
    std::size_t count;  // detections of its image (row length of match)
  };
  std::vector<Ranked> ranked;
  for (const auto* c : cells) {
    const std::size_t n = std::min(c->scores.size(), kMaxDets[m]);
    for (std::size_t i = 0; i < n; ++i) ranked.push_back({c->scores[i], &c->areas[a], i, c->scores.size()});
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const Ranked& x, const Ranked& y) { return x.score > y.score; });

  const std::size_t nd = ranked.size();
  std::vector<double> rc(nd), pr(nd);
  for (std::size_t t = 0; t < kIouThresholds; ++t) {
    double tp = 0, fp = 0;
    for (std::size_t j = 0; j < nd; ++j) {
      const Ranked& d = ranked[j];
      const std::size_t at = t * d.count + d.index;
      if (!d.match->ignored[at]) (d.match->matched[at] ? tp : fp) += 1;
      rc[j] = tp / static_cast<double>(npig);
      pr[j] = tp / (fp + tp + kEps);
    }
    acc.recall(t, k, a, m) = nd > 0 ? rc.back() : 0.0;
    for (std::size_t j = nd; j-- > 1;) pr[j - 1] = std::max(pr[j - 1], pr[j]);
    for (std::size_t r = 0; r < kRecallThresholds; ++r) {
      const auto it = std::lower_bound(rc.begin(), rc.end(), recall_thresholds[r]);
      acc.precision(t, r, k, a, m) = it == rc.end() ? 0.0 : pr[static_cast<std::size_t>(it - rc.begin())];
    }
  }
}

}  // namespace

CocoEvaluation evaluate_coco(const CocoGroundTruth& gt, std::span<const CocoDetection> detections) {
  CocoEvaluation result;

  std::vector<std::int64_t> image_ids;
  for (const CocoImage& img : gt.images) image_ids.push_back(img.id);
  std::sort(image_ids.begin(), image_ids.end());
  image_ids.erase(std::unique(image_ids.begin(), image_ids.end()), image_ids.end());
  std::vector<const CocoCategory*> categories;
  for (const CocoCategory& c : gt.categories) categories.push_back(&c);
  std::stable_sort(categories.begin(), categories.end(), [](const auto* x, const auto* y) { return x->id < y->id; });
  categories.erase(std::unique(categories.begin(), categories.end(), [](const auto* x, const auto* y) { return x->id == y->id; }),
                   categories.end());
  const std::size_t I = image_ids.size(), K = categories.size();
  result.images = I;

  std::unordered_map<std::int64_t, std::size_t> image_index, category_index;
  for (std::size_t i = 0; i < I; ++i) image_index.emplace(image_ids[i], i);
  for (std::size_t k = 0; k < K; ++k) category_index.emplace(categories[k]->id, k);

  // (category, image) -> its ground truth and detections, in file order; ordered by
  // category, then image id, which is the order accumulation needs.
  std::map<std::pair<std::size_t, std::size_t>, CellInput> cells;
  std::vector<CocoCategoryResult> per_category(K);
  bool zero_id = false;
  for (const CocoAnnotation& a : gt.annotations) {
    const auto i = image_index.find(a.image_id);
    const auto k = category_index.find(a.category_id);
    if (i == image_index.end() || k == category_index.end()) continue;  // parse_coco_ground_truth refuses these
    cells[{k->second, i->second}].ground_truth.push_back(&a);
    if (!a.iscrowd) ++per_category[k->second].ground_truth;
    zero_id = zero_id || a.id == 0;
  }
  for (std::size_t n = 0; n < detections.size(); ++n) {
    const CocoDetection& d = detections[n];
    check_detection(d, n);
    const auto i = image_index.find(d.image_id);
    if (i == image_index.end())
      throw std::invalid_argument("detections[" + std::to_string(n) + "]: image_id " + std::to_string(d.image_id) +
                                  " does not exist in the ground truth " + gt.source);
    const auto k = category_index.find(d.category_id);
    if (k == category_index.end()) {
      ++result.detections_of_unknown_category;
      continue;
    }
    cells[{k->second, i->second}].detections.push_back(&d);
    ++per_category[k->second].detections;
    ++result.detections;
  }

  // Match every (category, image) with ground truth or detections.
  const auto thresholds = coco::iou_thresholds();
  std::vector<std::vector<coco::ImageCategoryMatch>> matches(K);
  for (auto& [key, cell] : cells) {
    auto& dts = cell.detections;
    std::stable_sort(dts.begin(), dts.end(), [](const auto* x, const auto* y) { return x->score > y->score; });
    if (dts.size() > kMaxDets.back()) {
      result.detections_beyond_max_dets += dts.size() - kMaxDets.back();
      dts.resize(kMaxDets.back());
    }
    matches[key.first].push_back(coco::match_image_category(cell.ground_truth, dts, thresholds));
  }

  const auto recall_thresholds = coco::recall_thresholds();
  Accumulated acc(K);
  for (std::size_t k = 0; k < K; ++k) {
    std::vector<const coco::ImageCategoryMatch*> cells_k;
    for (const auto& m : matches[k]) cells_k.push_back(&m);
    for (std::size_t a = 0; a < kAreaRanges; ++a)
      for (std::size_t m = 0; m < kM; ++m) accumulate_one(cells_k, k, a, m, recall_thresholds, acc);
  }

  std::vector<std::size_t> all_t(kIouThresholds), all_k(K);
  std::iota(all_t.begin(), all_t.end(), std::size_t{0});
  std::iota(all_k.begin(), all_k.end(), std::size_t{0});
  const std::size_t t50[] = {0}, t75[] = {5};
  constexpr std::size_t all = 0, small = 1, medium = 2, large = 3, m1 = 0, m10 = 1, m100 = 2;
  CocoSummary& s = result.summary;
  s.ap = acc.mean(true, all_t, all_k, all, m100);
  s.ap50 = acc.mean(true, t50, all_k, all, m100);
  s.ap75 = acc.mean(true, t75, all_k, all, m100);
  s.ap_small = acc.mean(true, all_t, all_k, small, m100);
  s.ap_medium = acc.mean(true, all_t, all_k, medium, m100);
  s.ap_large = acc.mean(true, all_t, all_k, large, m100);
  s.ar1 = acc.mean(false, all_t, all_k, all, m1);
  s.ar10 = acc.mean(false, all_t, all_k, all, m10);
  s.ar100 = acc.mean(false, all_t, all_k, all, m100);
  s.ar_small = acc.mean(false, all_t, all_k, small, m100);
  s.ar_medium = acc.mean(false, all_t, all_k, medium, m100);
  s.ar_large = acc.mean(false, all_t, all_k, large, m100);

  for (std::size_t k = 0; k < K; ++k) {
    CocoCategoryResult& c = per_category[k];
    c.id = categories[k]->id;
    c.name = categories[k]->name;
    const std::size_t one[] = {k};
    c.ap = acc.mean(true, all_t, one, all, m100);
    c.ap50 = acc.mean(true, t50, one, all, m100);
    c.ar100 = acc.mean(false, all_t, one, all, m100);
  }
  result.categories = std::move(per_category);

  if (zero_id)
    result.notes.push_back("the ground truth has an annotation with id 0: pycocotools counts a detection matched to it as a "
                           "false positive; edgebench counts it as a true positive, so the two can differ");
  if (result.detections_of_unknown_category > 0)
    result.notes.push_back(std::to_string(result.detections_of_unknown_category) +
                           " detections have a category_id the ground truth does not list and were left out");
  if (result.detections_beyond_max_dets > 0)
    result.notes.push_back(std::to_string(result.detections_beyond_max_dets) +
                           " detections ranked beyond 100 in their image and category were left out (maxDets)");
  return result;
}

nlohmann::json summary_json(const CocoSummary& summary) {
  nlohmann::json j = nlohmann::json::object();
  const auto v = summary.values();
  for (std::size_t i = 0; i < v.size(); ++i) j[std::string(kCocoSummaryKeys[i])] = v[i];
  return j;
}

nlohmann::json to_json(const CocoEvaluation& e) {
  nlohmann::json cats = nlohmann::json::array();
  for (const CocoCategoryResult& c : e.categories)
    cats.push_back({{"id", c.id},
                    {"name", c.name},
                    {"ground_truth", c.ground_truth},
                    {"detections", c.detections},
                    {"AP", c.ap},
                    {"AP50", c.ap50},
                    {"AR100", c.ar100}});
  return {{"summary", summary_json(e.summary)},
          {"per_category", std::move(cats)},
          {"images", e.images},
          {"detections", e.detections},
          {"detections_of_unknown_category", e.detections_of_unknown_category},
          {"detections_beyond_max_dets", e.detections_beyond_max_dets},
          {"notes", e.notes}};
}

std::string format_summary(const CocoSummary& summary) {
  struct Line {
    bool ap;
    const char* iou;
    const char* area;
    int max_dets;
  };
  static constexpr Line kLines[12] = {
      {true, "0.50:0.95", "all", 100},    {true, "0.50", "all", 100},         {true, "0.75", "all", 100},
      {true, "0.50:0.95", "small", 100},  {true, "0.50:0.95", "medium", 100}, {true, "0.50:0.95", "large", 100},
      {false, "0.50:0.95", "all", 1},     {false, "0.50:0.95", "all", 10},    {false, "0.50:0.95", "all", 100},
      {false, "0.50:0.95", "small", 100}, {false, "0.50:0.95", "medium", 100}, {false, "0.50:0.95", "large", 100}};
  const auto v = summary.values();
  std::string out;
  for (std::size_t i = 0; i < 12; ++i) {
    const Line& l = kLines[i];
    out += fmt::format(" {:<18} {} @[ IoU={:<9} | area={:>6} | maxDets={:>3} ] = {:0.3f}\n",
                       l.ap ? "Average Precision" : "Average Recall", l.ap ? "(AP)" : "(AR)", l.iou, l.area, l.max_dets, v[i]);
  }
  return out;
}

}  // namespace eb::bench
