#include "backends/cpu/layouts.h"

#include <array>

namespace eb::cpu {

using tag = dnnl::memory::format_tag;

namespace {
tag plain_tag(int rank) {
  constexpr std::array<tag, 7> tags = {tag::undef, tag::a, tag::ab, tag::abc, tag::abcd, tag::abcde, tag::abcdef};
  return rank >= 1 && rank <= 6 ? tags[static_cast<std::size_t>(rank)] : tag::undef;
}
}  // namespace

std::optional<tag> dense_tag(const dnnl::memory::desc& md) {
  const int rank = md.data.ndims;
  std::array<tag, 4> candidates = {plain_tag(rank), tag::undef, tag::undef, tag::undef};
  if (rank == 4) candidates = {tag::abcd, tag::acdb, tag::aBcd8b, tag::aBcd16b};
  if (rank == 3) candidates = {tag::abc, tag::acb, tag::aBc8b, tag::aBc16b};
  for (tag t : candidates) {
    if (t == tag::undef) continue;
    if (dnnl::memory::desc(md.dims(), md.data_type(), t) == md) return t;
  }
  return std::nullopt;
}

bool is_plain(const dnnl::memory::desc& md) {
  const auto t = dense_tag(md);
  return t && *t == plain_tag(md.data.ndims);
}

}  // namespace eb::cpu
