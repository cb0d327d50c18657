#include "bench/weights_hash.h"

#include <fmt/format.h>

#include "core/rng.h"

namespace eb::bench {

std::uint64_t fnv1a64_bytes(std::span<const std::byte> bytes, std::uint64_t h) {
  // A pointer loop rather than span iterators: tens of MB go through here per run, and
  // the sanitized build compiles this file at -O0, where iterator calls are not inlined.
  const std::byte* p = bytes.data();
  for (std::size_t i = 0, n = bytes.size(); i < n; ++i) {
    h ^= static_cast<std::uint64_t>(p[i]);
    h *= 0x100000001b3ull;
  }
  return h;
}

std::uint64_t weights_hash(const Weights& weights) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  const std::byte separator[1] = {std::byte{0}};
  for (const auto& [name, tensor] : weights.all()) {  // std::map: name order
    h = fnv1a64(name, h);
    h = fnv1a64_bytes(separator, h);
    h = fnv1a64_bytes(tensor.bytes(), h);
  }
  return h;
}

std::string hex64(std::uint64_t v) { return fmt::format("{:016x}", v); }

}  // namespace eb::bench
