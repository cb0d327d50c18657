// Tensor: a dense, row-major, owning n-dimensional array — the value type that moves
// between graphs, backends, weight files and the harness.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "core/dtype.h"
#include "core/half.h"

namespace eb {

using Shape = std::vector<std::int64_t>;

std::int64_t numel(const Shape& s);
std::string to_string(const Shape& s);  // "[1, 3, 128, 256]"

// Maps a C++ element type to its DType (compile-time).
template <class T>
constexpr DType dtype_of() {
  using U = std::remove_cv_t<T>;
  if constexpr (std::is_same_v<U, float>) return DType::f32;
  else if constexpr (std::is_same_v<U, f16>) return DType::f16;
  else if constexpr (std::is_same_v<U, bf16>) return DType::bf16;
  else if constexpr (std::is_same_v<U, std::int8_t>) return DType::i8;
  else if constexpr (std::is_same_v<U, std::uint8_t>) return DType::u8;
  else if constexpr (std::is_same_v<U, std::int16_t>) return DType::i16;
  else if constexpr (std::is_same_v<U, std::int32_t>) return DType::i32;
  else if constexpr (std::is_same_v<U, std::int64_t>) return DType::i64;
  else static_assert(sizeof(T) == 0, "no DType for this C++ type");
}

class Tensor {
 public:
  Tensor() = default;
  // Zero-filled tensor. Throws std::invalid_argument on a negative dimension.
  Tensor(DType dtype, Shape shape);

  template <class T>
  static Tensor from(Shape shape, std::span<const T> values) {
    Tensor t(dtype_of<T>(), std::move(shape));
    t.check_count(values.size());
    auto dst = t.data<T>();
    for (std::size_t i = 0; i < values.size(); ++i) dst[i] = values[i];
    return t;
  }
  static Tensor from_f32(Shape shape, std::span<const float> values) { return from<float>(std::move(shape), values); }
  static Tensor from_f32(Shape shape, std::initializer_list<float> values) {
    return from<float>(std::move(shape), std::span<const float>(values.begin(), values.size()));
  }

  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  std::int64_t dim(int i) const;  // negative i counts from the end
  int rank() const { return static_cast<int>(shape_.size()); }
  std::int64_t numel() const { return eb::numel(shape_); }
  std::size_t nbytes() const { return storage_.size(); }
  bool empty() const { return storage_.empty(); }

  // Typed views; throw std::logic_error when T does not match dtype().
  template <class T>
  std::span<T> data() {
    check_type(dtype_of<T>());
    return {reinterpret_cast<T*>(storage_.data()), storage_.size() / sizeof(T)};
  }
  template <class T>
  std::span<const T> data() const {
    check_type(dtype_of<T>());
    return {reinterpret_cast<const T*>(storage_.data()), storage_.size() / sizeof(T)};
  }
  std::span<std::byte> bytes() { return storage_; }
  std::span<const std::byte> bytes() const { return storage_; }

  // Same data, new shape of equal element count.
  Tensor reshaped(Shape shape) const&;
  Tensor reshaped(Shape shape) &&;

  // Element-wise conversion to another dtype (float <-> f16/bf16 round to nearest even;
  // float -> integer rounds to nearest and saturates).
  Tensor to(DType dtype) const;

  // Bitwise equality of dtype, shape and contents.
  friend bool operator==(const Tensor& a, const Tensor& b);

 private:
  void check_type(DType t) const;
  void check_count(std::size_t n) const;

  DType dtype_ = DType::f32;
  Shape shape_;
  std::vector<std::byte> storage_;
};

}  // namespace eb
