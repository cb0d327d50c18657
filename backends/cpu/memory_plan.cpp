#include "backends/cpu/memory_plan.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace eb::cpu {
namespace {
std::size_t round_up(std::size_t n) { return (n + MemoryPlan::kAlignment - 1) / MemoryPlan::kAlignment * MemoryPlan::kAlignment; }
}  // namespace

BufferId MemoryPlan::add(std::size_t bytes) {
  Buffer b;
  b.bytes = round_up(std::max<std::size_t>(bytes, 1));
  b.requested = bytes;
  buffers_.push_back(b);
  return {static_cast<std::uint32_t>(buffers_.size() - 1)};
}

void MemoryPlan::alias(BufferId id, BufferId into, std::size_t offset) {
  Buffer& b = buffers_.at(id.index);
  if (root(into.index) == id.index) throw std::logic_error("memory plan: a buffer cannot live inside itself");
  b.parent = into.index;
  b.offset = offset;
}

std::uint32_t MemoryPlan::root(std::uint32_t index) const {
  while (buffers_.at(index).parent) index = *buffers_[index].parent;
  return index;
}

std::size_t MemoryPlan::offset(BufferId id) const {
  std::size_t at = 0;
  std::uint32_t i = id.index;
  for (; buffers_.at(i).parent; i = *buffers_[i].parent) at += buffers_[i].offset;
  return at + buffers_[i].offset;
}

void MemoryPlan::use(BufferId id, std::size_t step) {
  Buffer& b = buffers_.at(id.index);
  b.first = std::min(b.first, step);
  b.last = std::max(b.last, step);
}

std::size_t MemoryPlan::total_bytes() const {
  return std::accumulate(buffers_.begin(), buffers_.end(), std::size_t{0},
                         [](std::size_t s, const Buffer& b) { return b.parent ? s : s + b.bytes; });
}

void MemoryPlan::assign() {
  // An alias's uses extend the lifetime of the buffer it lives in.
  for (std::uint32_t i = 0; i < buffers_.size(); ++i) {
    if (!buffers_[i].parent || buffers_[i].first == SIZE_MAX) continue;
    Buffer& r = buffers_[root(i)];
    r.first = std::min(r.first, buffers_[i].first);
    r.last = std::max(r.last, buffers_[i].last);
  }
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < buffers_.size(); ++i)
    if (!buffers_[i].parent) order.push_back(i);
  // Largest first; ties by first use keep the layout deterministic.
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return buffers_[a].bytes != buffers_[b].bytes ? buffers_[a].bytes > buffers_[b].bytes
                                                  : buffers_[a].first < buffers_[b].first;
  });
  std::vector<std::size_t> placed;
  arena_bytes_ = 0;
  for (std::size_t i : order) {
    Buffer& b = buffers_[i];
    if (b.first == SIZE_MAX) b.first = b.last = 0;  // never used: harmless, but keep it somewhere
    // Byte ranges of placed buffers that are alive at the same time, by offset.
    std::vector<std::pair<std::size_t, std::size_t>> busy;
    for (std::size_t j : placed) {
      const Buffer& o = buffers_[j];
      if (o.first <= b.last && b.first <= o.last) busy.emplace_back(o.offset, o.offset + o.bytes);
    }
    std::sort(busy.begin(), busy.end());
    std::size_t at = 0;
    for (const auto& [lo, hi] : busy) {
      if (at + b.bytes <= lo) break;
      at = std::max(at, hi);
    }
    b.offset = at;
    arena_bytes_ = std::max(arena_bytes_, at + b.bytes);
    placed.push_back(i);
  }
}

}  // namespace eb::cpu
