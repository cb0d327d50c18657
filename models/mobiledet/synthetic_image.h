// A deterministic synthetic test scene for the detectors: a vertical colour gradient with
// a few solid rectangles and ellipses and a little pixel noise — something with edges and
// objects rather than white noise. Pixels are drawn as integers 0..255 from eb::Rng with
// integer arithmetic only and scaled as TF's SSD preprocessing does, (2·p − 255)/255, with
// one correctly rounded division, so the tensor is bit-identical on every machine.
#pragma once

#include <cstdint>

#include "core/tensor.h"

namespace eb::mobiledet {

// [batch, 3, height, width] f32 in [-1, 1]; image b uses the stream (seed, "image:b").
Tensor synthetic_image(std::int64_t batch, std::int64_t height, std::int64_t width, std::uint64_t seed);

}  // namespace eb::mobiledet
