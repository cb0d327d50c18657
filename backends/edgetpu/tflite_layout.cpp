#include "backends/edgetpu/tflite_layout.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace eb::edgetpu {
namespace {

void check_perm(std::size_t rank, std::span<const int> perm) {
  std::vector<bool> seen(rank, false);
  bool ok = perm.size() == rank;
  for (int p : perm) {
    if (!ok || p < 0 || static_cast<std::size_t>(p) >= rank || seen[static_cast<std::size_t>(p)]) {
      ok = false;
      break;
    }
    seen[static_cast<std::size_t>(p)] = true;
  }
  if (!ok) throw std::invalid_argument("tflite layout: not a permutation of " + std::to_string(rank) + " dimensions");
}

template <class T>
std::vector<T> permute(std::span<const T> data, const Shape& shape, std::span<const int> perm) {
  check_perm(shape.size(), perm);
  if (static_cast<std::int64_t>(data.size()) != numel(shape))
    throw std::invalid_argument("tflite layout: " + std::to_string(data.size()) + " values for shape " + to_string(shape));
  const std::size_t rank = shape.size();
  std::vector<std::int64_t> stride(rank, 1);  // our row-major strides
  for (std::size_t d = rank; d-- > 1;) stride[d - 1] = stride[d] * shape[d];
  const Shape out_shape = permute_shape(shape, perm);
  std::vector<T> out(data.size());
  std::vector<std::int64_t> pos(rank, 0);  // odometer over the output
  std::int64_t src = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = data[static_cast<std::size_t>(src)];
    for (std::size_t d = rank; d-- > 0;) {
      const auto step = stride[static_cast<std::size_t>(perm[d])];
      ++pos[d];
      src += step;
      if (pos[d] < out_shape[d]) break;
      src -= step * pos[d];
      pos[d] = 0;
    }
  }
  return out;
}

}  // namespace

Perm identity_perm(std::size_t rank) {
  Perm p(rank);
  for (std::size_t d = 0; d < rank; ++d) p[d] = static_cast<int>(d);
  return p;
}

Perm default_tflite_perm(std::size_t rank) { return rank == 4 ? Perm{0, 2, 3, 1} : identity_perm(rank); }

Perm inverse_perm(std::span<const int> perm) {
  check_perm(perm.size(), perm);
  Perm inv(perm.size());
  for (std::size_t d = 0; d < perm.size(); ++d) inv[static_cast<std::size_t>(perm[d])] = static_cast<int>(d);
  return inv;
}

Shape permute_shape(const Shape& shape, std::span<const int> perm) {
  check_perm(shape.size(), perm);
  Shape out(shape.size());
  for (std::size_t d = 0; d < perm.size(); ++d) out[d] = shape[static_cast<std::size_t>(perm[d])];
  return out;
}

bool keeps_memory_order(const Shape& shape, std::span<const int> perm) {
  check_perm(shape.size(), perm);
  int last = -1;
  for (int p : perm) {
    if (shape[static_cast<std::size_t>(p)] == 1) continue;
    if (p < last) return false;
    last = p;
  }
  return true;
}

std::vector<std::int8_t> permute_data(std::span<const std::int8_t> data, const Shape& shape, std::span<const int> perm) {
  return permute(data, shape, perm);
}
std::vector<std::int32_t> permute_data(std::span<const std::int32_t> data, const Shape& shape, std::span<const int> perm) {
  return permute(data, shape, perm);
}

}  // namespace eb::edgetpu
