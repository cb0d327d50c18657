#include "backends/cpu/int8_tables.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace eb::cpu {

Int8Table tabulate(const UnaryKernel& kernel) {
  Int8Table all{}, table{};
  for (int v = 0; v < 256; ++v) all[static_cast<std::size_t>(v)] = static_cast<std::int8_t>(v - 128);
  kernel(all, table);
  return table;
}

std::vector<std::int8_t> tabulate_pairs(const PairKernel& kernel) {
  std::vector<std::int8_t> a(65536), b(256), table(65536);
  std::vector<std::int64_t> ai(65536), bi(65536);
  for (int v = 0; v < 256; ++v) b[static_cast<std::size_t>(v)] = static_cast<std::int8_t>(v - 128);
  for (std::size_t i = 0; i < 65536; ++i) {
    a[i] = static_cast<std::int8_t>(static_cast<int>(i >> 8) - 128);
    ai[i] = static_cast<std::int64_t>(i);
    bi[i] = static_cast<std::int64_t>(i & 255);
  }
  kernel(a, ai, b, bi, table);
  return table;
}

std::vector<std::int64_t> strides_of(const md_t& md) {
  if (md.data.format_kind != dnnl_blocked || md.data.format_desc.blocking.inner_nblks != 0)
    throw std::logic_error("cpu backend int8: a host step met a blocked layout");
  const auto& st = md.data.format_desc.blocking.strides;
  return {st, st + md.data.ndims};
}

BroadcastIndex broadcast_index(const Shape& ys, const md_t& out_md, const Shape& as, const md_t& a_md, const Shape& bs,
                               const md_t& b_md) {
  const std::size_t rank = ys.size();
  const auto operand_strides = [rank](const Shape& s, const md_t& md) {
    std::vector<std::int64_t> st(rank, 0);
    const auto own = strides_of(md);
    for (std::size_t d = 0; d < s.size(); ++d)
      if (s[d] != 1) st[rank - s.size() + d] = own[d];
    return st;
  };
  const auto ast = operand_strides(as, a_md), bst = operand_strides(bs, b_md);
  const auto yst = strides_of(out_md);
  std::vector<std::size_t> order(rank);  // outermost first
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return yst[x] > yst[y]; });
  const auto n = static_cast<std::size_t>(numel(ys));
  BroadcastIndex idx;
  idx.a.reserve(n);
  idx.b.reserve(n);
  std::vector<std::int64_t> pos(rank, 0);
  std::int64_t ao = 0, bo = 0, yo = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (yo != static_cast<std::int64_t>(i)) throw std::logic_error("cpu backend int8: output of a host step is not dense");
    idx.a.push_back(ao);
    idx.b.push_back(bo);
    for (std::size_t k = rank; k-- > 0;) {  // odometer, innermost dimension fastest
      const std::size_t d = order[k];
      ++pos[d];
      ao += ast[d], bo += bst[d], yo += yst[d];
      if (pos[d] < ys[d]) break;
      ao -= ast[d] * pos[d], bo -= bst[d] * pos[d], yo -= yst[d] * pos[d];
      pos[d] = 0;
    }
  }
  // An operand read in the output's order needs no index table.
  const auto identity = [](const std::vector<std::int64_t>& v) {
    for (std::size_t i = 0; i < v.size(); ++i)
      if (v[i] != static_cast<std::int64_t>(i)) return false;
    return true;
  };
  if (identity(idx.a)) idx.a.clear();
  if (identity(idx.b)) idx.b.clear();
  // Per-channel broadcast: `period` elements per batch item, repeated over its `block`.
  const std::int64_t batch = ys.empty() ? 1 : ys.front();
  const auto per_channel = [&](const std::vector<std::int64_t>& v, const Shape& s) -> std::int64_t {
    if (v.empty() || batch <= 0 || static_cast<std::int64_t>(n) % batch != 0) return 0;
    const std::int64_t period = numel(s) / batch, block = static_cast<std::int64_t>(n) / batch;
    if (period <= 0 || block % period != 0 || s.size() != ys.size() || s.front() != batch) return 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
      const auto k = static_cast<std::int64_t>(i);
      if (v[i] != (k / block) * period + k % period) return 0;
    }
    idx.block = block;
    return period;
  };
  if ((idx.a_period = per_channel(idx.a, as)) != 0) idx.a.clear();
  if ((idx.b_period = per_channel(idx.b, bs)) != 0) idx.b.clear();
  return idx;
}


}  // namespace eb::cpu
