// Owned memory: device buffers (cudaMalloc), pinned host buffers (cudaMallocHost, so that
// copies are true DMA transfers and can be timed with events), and the shared scratch
// workspace that steps reserve while they are built and read once it is allocated.
#pragma once

#include <cuda_runtime_api.h>

#include <cstddef>
#include <utility>

namespace eb::gpu {

// Device memory; zero bytes allocates nothing and data() is null.
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  explicit DeviceBuffer(std::size_t bytes);  // throws GpuError when cudaMalloc fails
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  DeviceBuffer(DeviceBuffer&& o) noexcept : ptr_(std::exchange(o.ptr_, nullptr)), bytes_(std::exchange(o.bytes_, 0)) {}
  DeviceBuffer& operator=(DeviceBuffer&& o) noexcept;
  ~DeviceBuffer();

  void* data() const { return ptr_; }
  std::byte* bytes_ptr() const { return static_cast<std::byte*>(ptr_); }
  std::size_t bytes() const { return bytes_; }

 private:
  void* ptr_ = nullptr;
  std::size_t bytes_ = 0;
};

// Page-locked host memory.
class PinnedBuffer {
 public:
  PinnedBuffer() = default;
  explicit PinnedBuffer(std::size_t bytes);  // throws GpuError when cudaMallocHost fails
  PinnedBuffer(const PinnedBuffer&) = delete;
  PinnedBuffer& operator=(const PinnedBuffer&) = delete;
  PinnedBuffer(PinnedBuffer&& o) noexcept : ptr_(std::exchange(o.ptr_, nullptr)), bytes_(std::exchange(o.bytes_, 0)) {}
  PinnedBuffer& operator=(PinnedBuffer&& o) noexcept;
  ~PinnedBuffer();

  void* data() const { return ptr_; }
  std::size_t bytes() const { return bytes_; }

 private:
  void* ptr_ = nullptr;
  std::size_t bytes_ = 0;
};

// Scratch memory shared by all steps: steps run one after another on one stream and none
// keeps scratch data past its own node, so one buffer of the largest reservation serves
// them all. Steps reserve() while they are built (before the size is known) and read
// data() when they run (after finalize()).
class Workspace {
 public:
  void reserve(std::size_t bytes) { reserved_ = bytes > reserved_ ? bytes : reserved_; }
  void finalize();                  // allocates the largest reservation
  std::byte* data() const;          // throws std::logic_error before finalize()
  std::size_t bytes() const { return buffer_.bytes(); }
  std::size_t reserved() const { return reserved_; }

 private:
  std::size_t reserved_ = 0;
  bool finalized_ = false;
  DeviceBuffer buffer_;
};

// Zeros shared by all steps, never written after finalize(): an operand that must add
// nothing. cuDNN's fused convolution takes a z tensor (y = act(conv + alpha2·z + bias))
// even with alpha2 = 0 and does not promise not to read it; with z = y, a stale NaN or
// infinity left in the arena by an earlier tensor would make 0·z NaN. Steps reserve()
// while built and read data() when they run; finalize() allocates and clears it.
class Zeros {
 public:
  void reserve(std::size_t bytes) { reserved_ = bytes > reserved_ ? bytes : reserved_; }
  // Allocates the largest reservation and zeroes it with a copy ordered on `stream`.
  void finalize(cudaStream_t stream);
  const void* data() const;  // throws std::logic_error before finalize()
  std::size_t bytes() const { return buffer_.bytes(); }

 private:
  std::size_t reserved_ = 0;
  bool finalized_ = false;
  DeviceBuffer buffer_;
};

// Rounds `bytes` up to the alignment every sub-buffer in this backend keeps (256 bytes:
// what cudaMalloc guarantees and what cuBLAS/cuDNN prefer for vectorised access).
constexpr std::size_t kAlignment = 256;
constexpr std::size_t align_up(std::size_t bytes, std::size_t alignment = kAlignment) {
  return (bytes + alignment - 1) / alignment * alignment;
}

}  // namespace eb::gpu
