#include <string>
#include <string_view>

#include "bench/datasets/dense_dataset.h"
#include "fuzz/targets.h"

namespace eb::fuzz {

// A data set's dataset.json, its folders relative to a root that does not exist (so a
// folder key is rejected unless it names an absolute folder that does).
void dataset_manifest(Bytes input) {
  const std::string_view text(reinterpret_cast<const char*>(input.data()), input.size());
  bench::DenseDatasetInfo info;
  info.root = "/nonexistent-edgebench-fuzz-root";
  bench::parse_dataset_manifest(text, "fuzz-dataset.json", info);
  if (info.num_classes && (*info.num_classes < 1 || *info.num_classes > 65535)) std::abort();
  if (info.ignore_index < 0 || info.ignore_index > 65535) std::abort();
  if (!(info.depth_scale > 0)) std::abort();
}

}  // namespace eb::fuzz
