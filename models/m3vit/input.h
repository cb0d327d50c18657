// The default input of the M³ViT workloads: a deterministic synthetic street-scene-sized
// image (128×256) that looks like a photograph rather than white noise — a colour
// gradient, a few soft-edged blobs of colour and a little pixel noise — so the patch
// tokens differ from each other the way real ones do (and the experts see varied tokens).
//
// Pixels are 8-bit levels k/255 around the ImageNet mean, normalised as the model
// expects: (k/255 − mean_c)/std_c with mean (0.485, 0.456, 0.406) and std
// (0.229, 0.224, 0.225). Built from eb::Rng with integer and correctly rounded IEEE
// arithmetic only (the blob profile is the rational r²/(r²+d²), not an exponential), so
// the tensor is bit-identical on every machine.
#pragma once

#include <cstdint>

#include "core/tensor.h"
#include "models/m3vit/config.h"

namespace eb::m3vit {

// [batch, 3, H, W] f32; image b draws from the stream (seed, "image:b").
Tensor synthetic_image(std::int64_t batch, std::uint64_t seed, const Config& c = kConfig);

}  // namespace eb::m3vit
