// A graph compiled for one GPU.
//
// Compile time (the constructor):
//   - activations and graph inputs get byte ranges in one device arena (arena.h), reshape
//     outputs alias their input; weights are uploaded once (weight_store.h);
//   - every node becomes steps (ops/ops.h) with addresses, cuDNN algorithms and cuBLASLt
//     algorithms fixed; the shared scratch is sized by the largest step;
//   - one warm-up run, then, unless gpu.cuda_graph=0, each maximal stretch of
//     capturable steps is captured into a CUDA graph (one graph for a whole CNN; MoE
//     experts, which need their token counts on the host, split it). A capture failure
//     falls back to launching the steps each run, and info() says so.
//
// A run: inputs are copied into pinned host buffers, then on the one stream
//     [event 0] host→device copies [event 1] compute [event 2] device→host copies [event 3]
// and the host waits for event 3. In fp16/bf16 the compute part starts by converting the
// f32 inputs to the storage type and ends by converting the outputs back.
//
// Timing reported (as trtexec separates them):
//   last_device_time()  event 0 → event 3: transfers and compute, measured("cuda_event")
//   last_profile()      "h2d", "compute", "d2h" (node names, op "gpu:transfer" /
//                       "gpu:compute"); with enable_profiling(true) "h2d", one entry per
//                       step, "d2h" — the steps replace "compute", never both, so the
//                       entries add up to the device time (run_profile.h). Profiled runs
//                       launch steps instead of replaying graphs (events around each
//                       step), so per-step times include launches
//
// Not thread-safe: one run at a time (one stream, one set of buffers).
#pragma once

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backends/gpu/context.h"
#include "backends/gpu/step.h"
#include "backends/gpu/weight_store.h"
#include "core/backend.h"

namespace eb::gpu {

class GpuExecutable final : public Executable {
 public:
  // Throws std::invalid_argument for a node the backend does not support, GpuError for a
  // CUDA, cuBLAS or cuDNN failure.
  GpuExecutable(const Graph& graph, const Weights& weights, const GpuOptions& options);
  ~GpuExecutable() override;

  std::vector<Tensor> run(std::span<const Tensor> inputs) override;
  std::optional<DeviceTime> last_device_time() const override { return device_time_; }
  void enable_profiling(bool on) override;
  std::vector<NodeProfile> last_profile() const override { return profile_; }
  // "device", "precision", "gpu.tf32", "gpu.cuda_graph" ("on (N graphs, M eager steps)"
  // or "off (reason)"), "gpu.memory.arena_bytes", "gpu.memory.arena_unshared_bytes",
  // "gpu.memory.weight_bytes", "gpu.memory.scratch_bytes",
  // "gpu.memory.zero_bytes" (the zero operand of fused convolutions), "gpu.conv_algos" (cuDNN
  // algorithm per distinct geometry), "gpu.conv2d" and "gpu.linear" (how those steps
  // compute: fused or not, cuBLASLt or the fallback), "gpu.moe".
  std::map<std::string, std::string> info() const override { return info_; }

 private:
  struct Transfer {
    void* device;          // where the H2D copy lands / where the D2H copy reads
    PinnedBuffer host;     // f32 staging on the host
    std::size_t bytes;     // f32 bytes
    Shape shape;
  };
  struct Segment {
    std::size_t begin, end;  // steps [begin, end)
    GraphExec graph;         // empty: launch the steps
  };

  void enqueue_compute(cudaStream_t stream);
  void capture_graphs();

  Graph graph_;
  GpuContext ctx_;
  WeightStore weights_;
  DeviceBuffer arena_;
  Workspace scratch_;
  Zeros zeros_;
  std::vector<DeviceBuffer> staging_;  // f32 device copies of inputs/outputs in fp16/bf16
  std::vector<Transfer> inputs_;
  std::vector<Transfer> outputs_;
  Steps steps_;
  std::vector<Segment> segments_;
  std::array<Event, 4> events_;
  std::vector<Event> step_events_;  // steps + 1, only while profiling
  bool profiling_ = false;
  std::optional<DeviceTime> device_time_;
  std::vector<NodeProfile> profile_;
  std::map<std::string, std::string> info_;
};

}  // namespace eb::gpu
