#include <string_view>

#include "bench/datasets/coco_json.h"
#include "fuzz/targets.h"

namespace eb::fuzz {

// The input is split at the first NUL byte: ground truth before it, a detections file
// after it (checked against that ground truth), so one corpus entry exercises both.
void coco_annotations(Bytes input) {
  const std::string_view text(reinterpret_cast<const char*>(input.data()), input.size());
  const auto split = text.find('\0');
  const auto truth = bench::parse_coco_ground_truth(text.substr(0, split), "fuzz-annotations.json");
  if (split == std::string_view::npos) return;
  bench::parse_coco_detections(text.substr(split + 1), "fuzz-detections.json", truth);
}

}  // namespace eb::fuzz
