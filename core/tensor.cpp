#include "core/tensor.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace eb {

std::int64_t numel(const Shape& s) {
  std::int64_t n = 1;
  for (auto d : s) n *= d;
  return n;
}

std::string to_string(const Shape& s) {
  std::string out = "[";
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i) out += ", ";
    out += std::to_string(s[i]);
  }
  return out + "]";
}

Tensor::Tensor(DType dtype, Shape shape) : dtype_(dtype), shape_(std::move(shape)) {
  for (auto d : shape_)
    if (d < 0) throw std::invalid_argument("tensor shape " + to_string(shape_) + " has a negative dimension");
  storage_.assign(static_cast<std::size_t>(eb::numel(shape_)) * dtype_size(dtype_), std::byte{0});
}

std::int64_t Tensor::dim(int i) const {
  const int r = rank();
  const int k = i < 0 ? i + r : i;
  if (k < 0 || k >= r) throw std::out_of_range("dimension " + std::to_string(i) + " of a rank-" + std::to_string(r) + " tensor");
  return shape_[static_cast<std::size_t>(k)];
}

void Tensor::check_type(DType t) const {
  if (t != dtype_)
    throw std::logic_error("tensor holds " + std::string(dtype_name(dtype_)) + ", accessed as " + std::string(dtype_name(t)));
}

void Tensor::check_count(std::size_t n) const {
  if (static_cast<std::int64_t>(n) != numel())
    throw std::invalid_argument(std::to_string(n) + " values given for a tensor of shape " + to_string(shape_));
}

Tensor Tensor::reshaped(Shape shape) const& {
  Tensor t = *this;
  return std::move(t).reshaped(std::move(shape));
}

Tensor Tensor::reshaped(Shape shape) && {
  if (eb::numel(shape) != numel())
    throw std::invalid_argument("cannot reshape " + to_string(shape_) + " to " + to_string(shape));
  shape_ = std::move(shape);
  return std::move(*this);
}

namespace {
double load(const Tensor& t, std::size_t i) {
  switch (t.dtype()) {
    case DType::f32: return t.data<float>()[i];
    case DType::f16: return to_float(t.data<f16>()[i]);
    case DType::bf16: return to_float(t.data<bf16>()[i]);
    case DType::i8: return t.data<std::int8_t>()[i];
    case DType::u8: return t.data<std::uint8_t>()[i];
    case DType::i16: return t.data<std::int16_t>()[i];
    case DType::i32: return t.data<std::int32_t>()[i];
    case DType::i64: return static_cast<double>(t.data<std::int64_t>()[i]);
  }
  return 0;
}

template <class I>
I saturate(double v) {
  if (std::isnan(v)) return 0;
  const double r = std::nearbyint(v);
  if (r <= static_cast<double>(std::numeric_limits<I>::min())) return std::numeric_limits<I>::min();
  if (r >= static_cast<double>(std::numeric_limits<I>::max())) return std::numeric_limits<I>::max();
  return static_cast<I>(r);
}

void store(Tensor& t, std::size_t i, double v) {
  switch (t.dtype()) {
    case DType::f32: t.data<float>()[i] = static_cast<float>(v); break;
    case DType::f16: t.data<f16>()[i] = to_f16(static_cast<float>(v)); break;
    case DType::bf16: t.data<bf16>()[i] = to_bf16(static_cast<float>(v)); break;
    case DType::i8: t.data<std::int8_t>()[i] = saturate<std::int8_t>(v); break;
    case DType::u8: t.data<std::uint8_t>()[i] = saturate<std::uint8_t>(v); break;
    case DType::i16: t.data<std::int16_t>()[i] = saturate<std::int16_t>(v); break;
    case DType::i32: t.data<std::int32_t>()[i] = saturate<std::int32_t>(v); break;
    case DType::i64: t.data<std::int64_t>()[i] = saturate<std::int64_t>(v); break;
  }
}
}  // namespace

Tensor Tensor::to(DType dtype) const {
  if (dtype == dtype_) return *this;
  Tensor out(dtype, shape_);
  const auto n = static_cast<std::size_t>(numel());
  for (std::size_t i = 0; i < n; ++i) store(out, i, load(*this, i));
  return out;
}

bool operator==(const Tensor& a, const Tensor& b) {
  return a.dtype_ == b.dtype_ && a.shape_ == b.shape_ &&
         (a.storage_.empty() || std::memcmp(a.storage_.data(), b.storage_.data(), a.storage_.size()) == 0);
}

}  // namespace eb
