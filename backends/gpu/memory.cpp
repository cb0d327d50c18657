#include "backends/gpu/memory.h"

#include <cuda_runtime_api.h>

#include <stdexcept>

#include "backends/gpu/check.h"

namespace eb::gpu {

DeviceBuffer::DeviceBuffer(std::size_t bytes) {
  if (bytes == 0) return;
  EB_GPU_CHECK(cudaMalloc(&ptr_, bytes));
  bytes_ = bytes;
}

DeviceBuffer& DeviceBuffer::operator=(DeviceBuffer&& o) noexcept {
  if (this != &o) {
    if (ptr_) (void)cudaFree(ptr_);
    ptr_ = std::exchange(o.ptr_, nullptr);
    bytes_ = std::exchange(o.bytes_, 0);
  }
  return *this;
}

DeviceBuffer::~DeviceBuffer() {
  if (ptr_) (void)cudaFree(ptr_);
}

PinnedBuffer::PinnedBuffer(std::size_t bytes) {
  if (bytes == 0) return;
  EB_GPU_CHECK(cudaMallocHost(&ptr_, bytes));
  bytes_ = bytes;
}

PinnedBuffer& PinnedBuffer::operator=(PinnedBuffer&& o) noexcept {
  if (this != &o) {
    if (ptr_) (void)cudaFreeHost(ptr_);
    ptr_ = std::exchange(o.ptr_, nullptr);
    bytes_ = std::exchange(o.bytes_, 0);
  }
  return *this;
}

PinnedBuffer::~PinnedBuffer() {
  if (ptr_) (void)cudaFreeHost(ptr_);
}

void Workspace::finalize() {
  if (finalized_) throw std::logic_error("gpu: workspace finalised twice");
  buffer_ = DeviceBuffer(reserved_);
  finalized_ = true;
}

std::byte* Workspace::data() const {
  if (!finalized_) throw std::logic_error("gpu: scratch workspace read before it was allocated");
  return buffer_.bytes_ptr();
}

void Zeros::finalize(cudaStream_t stream) {
  if (finalized_) throw std::logic_error("gpu: zeros finalised twice");
  buffer_ = DeviceBuffer(reserved_);
  if (buffer_.bytes() > 0) EB_GPU_CHECK(cudaMemsetAsync(buffer_.data(), 0, buffer_.bytes(), stream));
  finalized_ = true;
}

const void* Zeros::data() const {
  if (!finalized_) throw std::logic_error("gpu: zeros read before they were allocated");
  return buffer_.data();
}

}  // namespace eb::gpu
