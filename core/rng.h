// Deterministic random numbers that are bit-identical on every machine and compiler.
//
// std::mt19937 is portable but the std distributions are not (their algorithms are
// implementation-defined), so edgebench draws from SplitMix64 and converts with plain
// integer and IEEE arithmetic only.
#pragma once

#include <cstdint>
#include <string_view>

namespace eb {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next_u64() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1) with 24 random bits (every value exactly representable in float).
  float uniform01() { return static_cast<float>(next_u64() >> 40) * 0x1.0p-24f; }
  // Uniform in [lo, hi).
  float uniform(float lo, float hi) { return lo + (hi - lo) * uniform01(); }
  // Approximately standard normal: Irwin–Hall sum of 12 uniforms minus 6 (no libm, so
  // identical everywhere; tails are cut at ±6, which no use here needs).
  float normal() {
    double s = 0;
    for (int i = 0; i < 12; ++i) s += static_cast<double>(next_u64() >> 40) * 0x1.0p-24;
    return static_cast<float>(s - 6.0);
  }
  // Uniform integer in [0, n).
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : next_u64() % n; }

 private:
  std::uint64_t state_;
};

// Stable 64-bit hash (FNV-1a) used to derive a per-tensor stream from (seed, name), so a
// tensor's values do not depend on the order in which tensors are generated.
constexpr std::uint64_t fnv1a64(std::string_view s, std::uint64_t h = 0xcbf29ce484222325ull) {
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

inline std::uint64_t derive_seed(std::uint64_t seed, std::string_view name) {
  Rng r(seed ^ fnv1a64(name));
  return r.next_u64();
}

}  // namespace eb
