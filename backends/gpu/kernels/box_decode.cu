// The SSD box decoding kernel behind box_decode.h: one thread per box.
#include "backends/gpu/box_decode.h"
#include "backends/gpu/kernels/common.cuh"

namespace eb::gpu {
namespace {

__global__ void decode_boxes_kernel(const float* __restrict__ codes, const float* __restrict__ anchors,
                                    float* __restrict__ boxes, std::int64_t count, std::int64_t n, BoxCoderScales s) {
  for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < count;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    const float* a = anchors + (i % n) * 4;
    const float* c = codes + i * 4;
    const double ha = static_cast<double>(a[2]) - a[0], wa = static_cast<double>(a[3]) - a[1];
    const double ya = a[0] + 0.5 * ha, xa = a[1] + 0.5 * wa;
    const double ty = c[0] / static_cast<double>(s.y), tx = c[1] / static_cast<double>(s.x);
    const double th = c[2] / static_cast<double>(s.height), tw = c[3] / static_cast<double>(s.width);
    const double h = exp(th) * ha, w = exp(tw) * wa;
    const double yc = ty * ha + ya, xc = tx * wa + xa;
    float* b = boxes + i * 4;
    b[0] = static_cast<float>(yc - 0.5 * h);
    b[1] = static_cast<float>(xc - 0.5 * w);
    b[2] = static_cast<float>(yc + 0.5 * h);
    b[3] = static_cast<float>(xc + 0.5 * w);
  }
}

}  // namespace

void decode_boxes_async(const float* codes, const float* anchors, float* boxes, std::int64_t batch, std::int64_t n,
                        const BoxCoderScales& scales, cudaStream_t stream) {
  const std::int64_t count = batch * n;
  if (count == 0) return;
  decode_boxes_kernel<<<kernels::grid_for(count), kernels::kThreads, 0, stream>>>(codes, anchors, boxes, count, n, scales);
  check_launch("decode_boxes_kernel");
}

}  // namespace eb::gpu
