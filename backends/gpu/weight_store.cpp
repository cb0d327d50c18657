#include "backends/gpu/weight_store.h"

#include <cuda_runtime_api.h>

#include <stdexcept>

#include "backends/gpu/check.h"

namespace eb::gpu {

const void* WeightStore::get(const std::string& name, DType dtype) {
  const auto key = std::make_pair(name, dtype);
  if (auto it = uploaded_.find(key); it != uploaded_.end()) return it->second.data();
  if (!host_) throw std::logic_error("gpu: weight '" + name + "' requested after compilation");
  const Tensor& t = host_->get(name);
  const Tensor converted = t.dtype() == dtype ? t : t.to(dtype);
  DeviceBuffer buf(converted.nbytes());
  if (converted.nbytes() > 0)
    EB_GPU_CHECK(
        cudaMemcpyAsync(buf.data(), converted.bytes().data(), converted.nbytes(), cudaMemcpyHostToDevice, stream_));
  bytes_ += buf.bytes();
  return uploaded_.emplace(key, std::move(buf)).first->second.data();
}

}  // namespace eb::gpu
