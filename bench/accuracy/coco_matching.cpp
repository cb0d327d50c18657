#include "bench/accuracy/coco_matching.h"

#include <algorithm>
#include <numeric>

namespace eb::bench::coco {

std::array<double, kIouThresholds> iou_thresholds() {
  std::array<double, kIouThresholds> t{};
  const double step = (0.95 - 0.5) / static_cast<double>(kIouThresholds - 1);
  for (std::size_t i = 0; i < t.size(); ++i) t[i] = static_cast<double>(i) * step + 0.5;
  t.back() = 0.95;
  return t;
}

std::array<double, kRecallThresholds> recall_thresholds() {
  std::array<double, kRecallThresholds> r{};
  const double step = 1.0 / static_cast<double>(kRecallThresholds - 1);
  for (std::size_t i = 0; i < r.size(); ++i) r[i] = static_cast<double>(i) * step + 0.0;
  r.back() = 1.0;
  return r;
}

double box_iou(const BoxXywh& d, const BoxXywh& g, bool crowd) {
  const double iw = std::min(d.x + d.w, g.x + g.w) - std::max(d.x, g.x);
  if (iw <= 0) return 0;
  const double ih = std::min(d.y + d.h, g.y + g.h) - std::max(d.y, g.y);
  if (ih <= 0) return 0;
  const double inter = iw * ih;
  const double det_area = d.w * d.h;
  const double uni = crowd ? det_area : det_area + g.w * g.h - inter;
  return inter / uni;
}

namespace {

bool outside(double area, const AreaRange& r) { return area < r.lo || area > r.hi; }

}  // namespace

ImageCategoryMatch match_image_category(std::span<const CocoAnnotation* const> ground_truth,
                                        std::span<const CocoDetection* const> detections,
                                        const std::array<double, kIouThresholds>& thresholds) {
  const std::size_t G = ground_truth.size(), D = detections.size();
  ImageCategoryMatch out;
  out.scores.reserve(D);
  for (const CocoDetection* d : detections) out.scores.push_back(d->score);

  std::vector<double> iou(D * G);  // [detection][ground truth in file order]
  for (std::size_t d = 0; d < D; ++d)
    for (std::size_t g = 0; g < G; ++g) iou[d * G + g] = box_iou(detections[d]->bbox, ground_truth[g]->bbox, ground_truth[g]->iscrowd);

  for (std::size_t a = 0; a < kAreaRanges; ++a) {
    const AreaRange& range = kAreaRangeBounds[a];
    AreaMatch& m = out.areas[a];
    m.matched.assign(kIouThresholds * D, 0);
    m.ignored.assign(kIouThresholds * D, 0);

    // Visiting order: regular boxes first, ignored ones after, each in file order.
    std::vector<std::uint8_t> ignore(G);
    for (std::size_t g = 0; g < G; ++g)
      ignore[g] = ground_truth[g]->iscrowd || outside(ground_truth[g]->area, range) ? 1 : 0;
    std::vector<std::size_t> order(G);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return ignore[x] < ignore[y]; });
    m.non_ignored_ground_truth = static_cast<std::size_t>(std::count(ignore.begin(), ignore.end(), 0));

    for (std::size_t t = 0; t < kIouThresholds; ++t) {
      std::vector<std::uint8_t> taken(G, 0);  // by visiting position
      for (std::size_t d = 0; d < D; ++d) {
        double best = std::min(thresholds[t], 1 - 1e-10);
        std::ptrdiff_t found = -1;  // visiting position of the best match so far
        for (std::size_t p = 0; p < G; ++p) {
          const std::size_t g = order[p];
          if (taken[p] && !ground_truth[g]->iscrowd) continue;
          // Holding a regular box already: the ignored ones (all after it) cannot displace it.
          if (found >= 0 && !ignore[order[static_cast<std::size_t>(found)]] && ignore[g]) break;
          if (iou[d * G + g] < best) continue;
          best = iou[d * G + g];
          found = static_cast<std::ptrdiff_t>(p);
        }
        if (found < 0) continue;
        const auto p = static_cast<std::size_t>(found);
        taken[p] = 1;
        m.matched[t * D + d] = 1;
        m.ignored[t * D + d] = ignore[order[p]];
      }
      for (std::size_t d = 0; d < D; ++d) {
        const BoxXywh& b = detections[d]->bbox;
        if (!m.matched[t * D + d] && outside(b.w * b.h, range)) m.ignored[t * D + d] = 1;
      }
    }
  }
  return out;
}

}  // namespace eb::bench::coco
