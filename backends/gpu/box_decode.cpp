// Host wrapper of the GPU box decoder: upload, decode, download.
#include "backends/gpu/box_decode.h"

#include <stdexcept>
#include <string>

#include "backends/gpu/check.h"
#include "backends/gpu/handles.h"
#include "backends/gpu/memory.h"

namespace eb::gpu {

Tensor decode_boxes(const Tensor& box_encodings, std::span<const float> anchors, const BoxCoderScales& scales) {
  const Shape& s = box_encodings.shape();
  if (s.size() != 3 || s[2] != 4)
    throw std::invalid_argument("gpu box decoding: box encodings must be [B, N, 4], got " + to_string(s));
  const std::int64_t batch = s[0], n = s[1];
  if (static_cast<std::int64_t>(anchors.size()) != 4 * n)
    throw std::invalid_argument("gpu box decoding: " + std::to_string(anchors.size()) + " anchor values for " +
                                std::to_string(n) + " boxes per image");
  const Tensor codes = box_encodings.dtype() == DType::f32 ? box_encodings : box_encodings.to(DType::f32);
  Tensor out(DType::f32, s);
  if (out.numel() == 0) return out;

  Stream stream = make_stream();
  DeviceBuffer d_codes(codes.nbytes()), d_anchors(anchors.size_bytes()), d_boxes(out.nbytes());
  EB_GPU_CHECK(cudaMemcpyAsync(d_codes.data(), codes.bytes().data(), codes.nbytes(), cudaMemcpyHostToDevice, stream.get()));
  EB_GPU_CHECK(cudaMemcpyAsync(d_anchors.data(), anchors.data(), anchors.size_bytes(), cudaMemcpyHostToDevice, stream.get()));
  decode_boxes_async(static_cast<const float*>(d_codes.data()), static_cast<const float*>(d_anchors.data()),
                     static_cast<float*>(d_boxes.data()), batch, n, scales, stream.get());
  EB_GPU_CHECK(cudaMemcpyAsync(out.bytes().data(), d_boxes.data(), out.nbytes(), cudaMemcpyDeviceToHost, stream.get()));
  EB_GPU_CHECK(cudaStreamSynchronize(stream.get()));
  return out;
}

}  // namespace eb::gpu
