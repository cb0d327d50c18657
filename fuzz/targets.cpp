#include "fuzz/targets.h"

#include <array>

namespace eb::fuzz {

std::span<const Target> targets() {
  static constexpr std::array kTargets = {
      Target{"safetensors", safetensors_file},
      Target{"coco", coco_annotations},
      Target{"meter", meter_log},
      Target{"image", image_file},
      Target{"record", result_record},
      Target{"dataset", dataset_manifest},
      Target{"npy", npy_array},
  };
  return kTargets;
}

}  // namespace eb::fuzz
