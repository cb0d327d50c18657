// The activation arena planner (host-only): buffers whose lifetimes overlap never share
// bytes, buffers that never meet do, and every offset is aligned.
#ifdef EB_HAVE_GPU
#include <gtest/gtest.h>

#include "backends/gpu/arena.h"
#include "core/rng.h"

namespace eb::gpu {
namespace {

bool overlaps_in_memory(const ArenaPlan& p, std::span<const ArenaRequest> r, std::size_t a, std::size_t b) {
  return p.offsets[a] < p.offsets[b] + r[b].bytes && p.offsets[b] < p.offsets[a] + r[a].bytes;
}
bool overlaps_in_time(const ArenaRequest& a, const ArenaRequest& b) { return a.first <= b.last && b.first <= a.last; }

TEST(GpuArena, DisjointLifetimesShareMemory) {
  const std::vector<ArenaRequest> r = {{1000, 0, 1}, {1000, 2, 3}, {1000, 4, 5}};
  const ArenaPlan p = plan_arena(r, 256);
  EXPECT_EQ(p.offsets, (std::vector<std::size_t>{0, 0, 0}));
  EXPECT_EQ(p.total, 1024u);
  EXPECT_EQ(p.unshared, 3 * 1024u);
}

TEST(GpuArena, OverlappingLifetimesDoNot) {
  // A chain a→b→c: each buffer meets its neighbours, a and c may share.
  const std::vector<ArenaRequest> r = {{512, 0, 1}, {512, 1, 2}, {512, 2, 3}};
  const ArenaPlan p = plan_arena(r, 256);
  EXPECT_NE(p.offsets[0], p.offsets[1]);
  EXPECT_NE(p.offsets[1], p.offsets[2]);
  EXPECT_EQ(p.offsets[0], p.offsets[2]);
  EXPECT_EQ(p.total, 1024u);
}

TEST(GpuArena, ZeroBytesStillGetsAnAlignedSlot) {
  const std::vector<ArenaRequest> r = {{0, 0, 0}, {10, 0, 0}};
  const ArenaPlan p = plan_arena(r, 256);
  EXPECT_NE(p.offsets[0], p.offsets[1]);
  EXPECT_EQ(p.total, 512u);
}

TEST(GpuArena, RejectsBadInput) {
  const std::vector<ArenaRequest> backwards = {{16, 3, 2}};
  EXPECT_THROW(plan_arena(backwards, 256), std::invalid_argument);
  const std::vector<ArenaRequest> ok = {{16, 0, 0}};
  EXPECT_THROW(plan_arena(ok, 100), std::invalid_argument);
}

TEST(GpuArena, RandomPlansAreSoundAndDeterministic) {
  Rng rng(42);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<ArenaRequest> r;
    for (int i = 0; i < 150; ++i) {
      const std::size_t first = rng.below(100);
      r.push_back({static_cast<std::size_t>(rng.below(1 << 16)), first, first + rng.below(20)});
    }
    const ArenaPlan p = plan_arena(r, 256);
    ASSERT_EQ(p.offsets.size(), r.size());
    for (std::size_t a = 0; a < r.size(); ++a) {
      EXPECT_EQ(p.offsets[a] % 256, 0u);
      EXPECT_LE(p.offsets[a] + r[a].bytes, p.total);
      for (std::size_t b = a + 1; b < r.size(); ++b)
        if (overlaps_in_time(r[a], r[b])) {
          ASSERT_FALSE(overlaps_in_memory(p, r, a, b)) << a << " and " << b;
        }
    }
    EXPECT_LE(p.total, p.unshared);
    EXPECT_EQ(plan_arena(r, 256).offsets, p.offsets);
  }
}

}  // namespace
}  // namespace eb::gpu
#endif
