#include <cstdlib>

#include "bench/datasets/image_codec.h"
#include "fuzz/targets.h"

namespace eb::fuzz {

// A data-set image as the loader sees it; a decoded image must hold exactly its pixels.
void image_file(Bytes input) {
  const auto image = bench::decode_rgb(input, "fuzz-image");
  if (image.width <= 0 || image.height <= 0) std::abort();
  if (image.pixels.size() != static_cast<std::size_t>(image.width) * image.height * 3) std::abort();
}

}  // namespace eb::fuzz
