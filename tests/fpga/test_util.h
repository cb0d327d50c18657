// Helpers shared by the FPGA tests: seeded random fixed-point data and conversions.
#pragma once

#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "backends/fpga/hw/formats.h"
#include "core/rng.h"
#include "core/tensor.h"

namespace eb::fpga::test {

using hw::act_t;

inline std::vector<act_t> random_acts(std::size_t n, std::uint64_t seed, double lo, double hi) {
  Rng r(seed);
  std::vector<act_t> v(n);
  for (auto& x : v) x = act_t::from_double(r.uniform(static_cast<float>(lo), static_cast<float>(hi)));
  return v;
}

inline std::vector<float> random_floats(std::size_t n, std::uint64_t seed, double lo, double hi) {
  Rng r(seed);
  std::vector<float> v(n);
  for (auto& x : v) x = r.uniform(static_cast<float>(lo), static_cast<float>(hi));
  return v;
}

template <class T>
std::vector<typename T::raw_type> to_raws(std::span<const float> v) {
  std::vector<typename T::raw_type> out(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) out[i] = static_cast<typename T::raw_type>(T::from_double(v[i]).raw());
  return out;
}

inline Tensor to_tensor(std::span<const act_t> v, Shape shape) {
  Tensor t(DType::f32, std::move(shape));
  auto d = t.data<float>();
  for (std::size_t i = 0; i < v.size(); ++i) d[i] = static_cast<float>(v[i].to_double());
  return t;
}

inline double max_abs_diff(std::span<const float> a, std::span<const float> b) {
  double m = 0;
  for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(static_cast<double>(a[i]) - b[i]));
  return m;
}

}  // namespace eb::fpga::test
