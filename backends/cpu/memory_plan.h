// Planning of intermediate buffers: every activation the compiled graph produces gets a
// byte range in one arena, and two buffers share bytes only when no step uses both.
//
// Steps run strictly in order, so a buffer's lifetime is the closed range of step
// indices from its first to its last use; the planner places buffers largest first at
// the lowest offset that does not collide with an already placed buffer whose lifetime
// overlaps (the greedy-by-size heuristic TFLite's arena planner uses).
//
// A buffer may instead be an alias: a byte range inside another buffer (a concat input
// that its producer writes straight into the concat's output). Aliases are not placed;
// they lend their uses to the buffer they live in, so that one lives as long as all of them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace eb::cpu {

struct BufferId {
  std::uint32_t index = 0;
  friend bool operator==(BufferId, BufferId) = default;
};

class MemoryPlan {
 public:
  // Offsets and sizes are multiples of this (cache line, and enough for any oneDNN kernel).
  static constexpr std::size_t kAlignment = 64;

  BufferId add(std::size_t bytes);
  // Records that step `step` reads or writes the buffer.
  void use(BufferId id, std::size_t step);
  // Makes `id` the bytes [offset, offset + bytes(id)) of `into` (which may itself be an
  // alias). `offset` must be a multiple of sizeof(float); it need not be aligned.
  void alias(BufferId id, BufferId into, std::size_t offset);
  bool is_alias(BufferId id) const { return buffers_.at(id.index).parent.has_value(); }
  // Whether the two buffers can hold common bytes (one lives inside the other, or both
  // inside a third).
  bool shares_bytes(BufferId a, BufferId b) const { return root(a.index) == root(b.index); }

  // Places every buffer; call once, after the last use() and before offset().
  void assign();
  std::size_t offset(BufferId id) const;
  std::size_t bytes(BufferId id) const { return buffers_.at(id.index).bytes; }
  // The size asked for in add(), before rounding up.
  std::size_t requested_bytes(BufferId id) const { return buffers_.at(id.index).requested; }
  std::size_t arena_bytes() const { return arena_bytes_; }
  // What the buffers would take without reuse (for the compile report).
  std::size_t total_bytes() const;
  std::size_t count() const { return buffers_.size(); }

 private:
  struct Buffer {
    std::size_t bytes = 0;
    std::size_t requested = 0;
    std::size_t first = SIZE_MAX;  // first step that uses it
    std::size_t last = 0;          // last step that uses it
    std::size_t offset = 0;                 // in the arena; for an alias, within its parent
    std::optional<std::uint32_t> parent;  // set for an alias
  };
  std::uint32_t root(std::uint32_t index) const;
  std::vector<Buffer> buffers_;
  std::size_t arena_bytes_ = 0;
};

}  // namespace eb::cpu
