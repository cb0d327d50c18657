// Element types of edgebench tensors.
//
// The list is closed and defined once (X-macro) so that the enum, its name table
// and its size table cannot drift apart.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace eb {

// X(enumerator, name used in files and on the command line, size in bytes)
#define EB_DTYPES(X) \
  X(f32, "f32", 4)   \
  X(f16, "f16", 2)   \
  X(bf16, "bf16", 2) \
  X(i8, "i8", 1)     \
  X(u8, "u8", 1)     \
  X(i16, "i16", 2)   \
  X(i32, "i32", 4)   \
  X(i64, "i64", 8)

enum class DType : std::uint8_t {
#define EB_X(e, n, s) e,
  EB_DTYPES(EB_X)
#undef EB_X
};

inline constexpr std::size_t kDTypeCount = 0
#define EB_X(e, n, s) +1
    EB_DTYPES(EB_X)
#undef EB_X
    ;
static_assert(kDTypeCount == 8, "a dtype was added: update every switch over DType");

std::string_view dtype_name(DType t);
std::size_t dtype_size(DType t);
// Parses a name produced by dtype_name(); throws std::invalid_argument otherwise.
DType parse_dtype(std::string_view name);

}  // namespace eb
