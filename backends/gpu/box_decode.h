// SSD box decoding on the GPU: TF's faster_rcnn_box_coder as models/mobiledet/box_coder.h
// documents it (scale factors y 10, x 10, height 5, width 5; boxes and anchors as
// [ymin, xmin, ymax, xmax] in normalised image coordinates):
//
//   yc = ty/10·ha + ya   xc = tx/10·wa + xa   h = exp(th/5)·ha   w = exp(tw/5)·wa
//   box = [yc − h/2, xc − w/2, yc + h/2, xc + w/2]
//
// Not a graph operator: in this project anchors, decoding and NMS are host
// post-processing shared by every backend (as TFLite's detection post-process is). These
// functions let the MobileDet path decode on the device instead — for example on the
// box_encodings a gpu executable just produced — and then run mobiledet::multiclass_nms
// on the result. The arithmetic is in double, like the host coder, so the two agree to
// float rounding.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>
#include <span>

#include "core/tensor.h"

namespace eb::gpu {

struct BoxCoderScales {
  float y = 10.0f;
  float x = 10.0f;
  float height = 5.0f;
  float width = 5.0f;
};

// Device pointers, f32 row-major: codes [batch·n, 4] as (ty, tx, th, tw), anchors [n, 4],
// boxes [batch·n, 4]. Every image of the batch uses the same anchors. Enqueued on
// `stream`, not synchronised.
void decode_boxes_async(const float* codes, const float* anchors, float* boxes, std::int64_t batch, std::int64_t n,
                        const BoxCoderScales& scales, cudaStream_t stream);

// Host in, host out, synchronous, on the current CUDA device: box_encodings [B, N, 4]
// (f32) and the N anchors as 4·N floats (ymin, xmin, ymax, xmax each) → boxes [B, N, 4].
// Throws std::invalid_argument on mismatched sizes, GpuError on a CUDA failure.
Tensor decode_boxes(const Tensor& box_encodings, std::span<const float> anchors, const BoxCoderScales& scales = {});

}  // namespace eb::gpu
