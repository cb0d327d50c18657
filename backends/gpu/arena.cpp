#include "backends/gpu/arena.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>

namespace eb::gpu {

ArenaPlan plan_arena(std::span<const ArenaRequest> requests, std::size_t alignment) {
  if (alignment == 0 || (alignment & (alignment - 1)) != 0)
    throw std::invalid_argument("arena alignment " + std::to_string(alignment) + " is not a power of two");
  const auto round = [alignment](std::size_t b) { return (std::max<std::size_t>(b, 1) + alignment - 1) / alignment * alignment; };
  for (std::size_t i = 0; i < requests.size(); ++i)
    if (requests[i].last < requests[i].first)
      throw std::invalid_argument("arena request " + std::to_string(i) + " ends (node " + std::to_string(requests[i].last) +
                                  ") before it starts (node " + std::to_string(requests[i].first) + ")");

  std::vector<std::size_t> order(requests.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const std::size_t sa = round(requests[a].bytes), sb = round(requests[b].bytes);
    if (sa != sb) return sa > sb;
    return requests[a].first < requests[b].first;
  });

  ArenaPlan plan;
  plan.offsets.assign(requests.size(), 0);
  std::vector<std::size_t> placed;  // request indices, in placement order
  std::vector<std::size_t> conflicts;
  for (std::size_t r : order) {
    const ArenaRequest& req = requests[r];
    const std::size_t size = round(req.bytes);
    plan.unshared += size;
    conflicts.clear();
    for (std::size_t p : placed)
      if (requests[p].first <= req.last && req.first <= requests[p].last) conflicts.push_back(p);
    std::sort(conflicts.begin(), conflicts.end(),
              [&](std::size_t a, std::size_t b) { return plan.offsets[a] < plan.offsets[b]; });
    // Walk the live neighbours by offset; take the first gap that fits.
    std::size_t offset = 0;
    for (std::size_t p : conflicts) {
      if (offset + size <= plan.offsets[p]) break;
      offset = std::max(offset, plan.offsets[p] + round(requests[p].bytes));
    }
    plan.offsets[r] = offset;
    plan.total = std::max(plan.total, offset + size);
    placed.push_back(r);
  }
  return plan;
}

}  // namespace eb::gpu
