#include "core/dtype.h"

#include <array>
#include <stdexcept>
#include <string>

namespace eb {
namespace {
struct DTypeInfo {
  std::string_view name;
  std::size_t size;
};
constexpr std::array<DTypeInfo, kDTypeCount> kInfo = {{
#define EB_X(e, n, s) {n, s},
    EB_DTYPES(EB_X)
#undef EB_X
}};
}  // namespace

std::string_view dtype_name(DType t) { return kInfo.at(static_cast<std::size_t>(t)).name; }
std::size_t dtype_size(DType t) { return kInfo.at(static_cast<std::size_t>(t)).size; }

DType parse_dtype(std::string_view name) {
  for (std::size_t i = 0; i < kInfo.size(); ++i)
    if (kInfo[i].name == name) return static_cast<DType>(i);
  throw std::invalid_argument("unknown dtype '" + std::string(name) + "'");
}

}  // namespace eb
