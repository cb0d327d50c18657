// A fingerprint of a set of weights, recorded with every result so that two results can be
// told apart (or matched) by the exact weights they ran with, wherever those came from.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "core/weights.h"

namespace eb::bench {

// FNV-1a (64-bit) over every tensor in name order: the name's bytes, one zero byte (so
// that names and data cannot run into each other), then the tensor's raw bytes
// (little-endian, row-major, as stored in safetensors files).
std::uint64_t weights_hash(const Weights& weights);

// FNV-1a (64-bit) continued over `bytes` from state `h`.
std::uint64_t fnv1a64_bytes(std::span<const std::byte> bytes, std::uint64_t h = 0xcbf29ce484222325ull);

// 16 lower-case hex digits.
std::string hex64(std::uint64_t v);

}  // namespace eb::bench
