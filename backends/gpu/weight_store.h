// Weights on the device, uploaded once at compile time. A weight is uploaded in the type
// its consumer asks for (the storage type for cuBLAS/cuDNN operands, f32 for parameters
// our own kernels read in fp32), converted on the host with round-to-nearest-even, and
// each (name, type) pair is uploaded once however many nodes read it. Uploads are ordered
// on the executable's own stream, before any step that reads them: a cudaMemcpy on the
// legacy default stream would not be ordered against that non-blocking stream, and from
// pageable memory it may return before the copy has reached the device.
#pragma once

#include <cuda_runtime_api.h>

#include <map>
#include <string>
#include <utility>

#include "backends/gpu/memory.h"
#include "core/weights.h"

namespace eb::gpu {

class WeightStore {
 public:
  WeightStore(const Weights& host, cudaStream_t stream) : host_(&host), stream_(stream) {}

  // Device address of weight `name` as `dtype` (f32, f16 or bf16), uploaded on first
  // request by a copy enqueued on the stream (cudaMemcpyAsync returns once a pageable
  // source has been staged, so the converted host copy may go at once). Throws
  // std::invalid_argument when the weight is absent.
  const void* get(const std::string& name, DType dtype);
  std::size_t bytes() const { return bytes_; }
  // Forgets the host weights (owned by compile()'s caller, who may free them once compile
  // returns); get() throws std::logic_error afterwards for anything not yet uploaded.
  void release_host() { host_ = nullptr; }

 private:
  const Weights* host_;
  cudaStream_t stream_;
  std::map<std::pair<std::string, DType>, DeviceBuffer> uploaded_;
  std::size_t bytes_ = 0;
};

}  // namespace eb::gpu
