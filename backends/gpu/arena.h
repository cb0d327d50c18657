// Placement of activation buffers in one device arena (host-only logic, tested without a
// GPU). Nodes run strictly in order, so a buffer is live over the closed range of node
// indices [first, last]; two buffers may share bytes only when those ranges are disjoint.
// Buffers are placed largest first, each at the lowest aligned offset that collides with
// no already-placed buffer whose range overlaps — the greedy-by-size heuristic of TFLite's
// arena planner. The result is deterministic for a given list of requests.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace eb::gpu {

struct ArenaRequest {
  std::size_t bytes = 0;
  std::size_t first = 0;  // first node that writes or reads the buffer
  std::size_t last = 0;   // last node that reads it (>= first)
};

struct ArenaPlan {
  std::vector<std::size_t> offsets;  // one per request, multiples of the alignment
  std::size_t total = 0;             // bytes the arena needs
  std::size_t unshared = 0;          // what the buffers would need without sharing
};

// Throws std::invalid_argument when a request has last < first or the alignment is not a
// power of two.
ArenaPlan plan_arena(std::span<const ArenaRequest> requests, std::size_t alignment = 256);

}  // namespace eb::gpu
