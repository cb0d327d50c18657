// Weights on the device, uploaded once at compile time. A weight is uploaded in the type
// its consumer asks for (the storage type for cuBLAS/cuDNN operands, f32 for parameters
// our own kernels read in fp32), converted on the host with round-to-nearest-even, and
// each (name, type) pair is uploaded once however many nodes read it.
#pragma once

#include <map>
#include <string>
#include <utility>

#include "backends/gpu/memory.h"
#include "core/weights.h"

namespace eb::gpu {

class WeightStore {
 public:
  explicit WeightStore(const Weights& host) : host_(&host) {}

  // Device address of weight `name` as `dtype` (f32, f16 or bf16). Synchronous upload on
  // first request. Throws std::invalid_argument when the weight is absent.
  const void* get(const std::string& name, DType dtype);
  std::size_t bytes() const { return bytes_; }
  // Forgets the host weights (owned by compile()'s caller, who may free them once compile
  // returns); get() throws std::logic_error afterwards for anything not yet uploaded.
  void release_host() { host_ = nullptr; }

 private:
  const Weights* host_;
  std::map<std::pair<std::string, DType>, DeviceBuffer> uploaded_;
  std::size_t bytes_ = 0;
};

}  // namespace eb::gpu
