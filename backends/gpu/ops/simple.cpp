// The operators that are one kernel of our own or one strided copy: activations, add
// and mul with broadcasting, layer norm, softmax, global average pooling, transpose,
// bilinear resize, concat and slice (cudaMemcpy2DAsync: a row per outer index), and the
// dispatch of every node to its builder.
#include <stdexcept>
#include <string>

#include "backends/gpu/kernels.h"
#include "backends/gpu/ops/ops.h"

namespace eb::gpu {
namespace {

using kernels::i64;

std::size_t axis_of(int axis, std::size_t rank) {
  return static_cast<std::size_t>(axis < 0 ? axis + static_cast<int>(rank) : axis);
}

i64 product(const Shape& s, std::size_t begin, std::size_t end) {
  i64 n = 1;
  for (std::size_t i = begin; i < end; ++i) n *= s[i];
  return n;
}

// NumPy broadcasting strides of `s` against an output of rank `rank` into `st` (shapes
// align at the right; a missing or size-1 dimension has stride 0).
void broadcast_strides(const Shape& s, std::size_t rank, i64* st) {
  for (std::size_t d = 0; d < rank; ++d) st[d] = 0;
  i64 stride = 1;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const std::size_t d = s.size() - 1 - i;
    st[rank - 1 - i] = s[d] == 1 ? 0 : stride;
    stride *= s[d];
  }
}

std::unique_ptr<Step> binary_step(const Node& node, BuildEnv& env) {
  const Shape& as = env.shape(node.inputs[0]);
  const Shape& bs = env.shape(node.inputs[1]);
  const Shape& os = env.shape(node.name);
  kernels::Broadcast b;
  b.rank = static_cast<int>(os.size());
  for (std::size_t i = 0; i < os.size(); ++i) b.dims[i] = os[i];
  broadcast_strides(as, os.size(), b.stride_a);
  broadcast_strides(bs, os.size(), b.stride_b);
  b.same_shape = as == os && bs == os;
  const void* a = env.address(node.inputs[0]);
  const void* c = env.address(node.inputs[1]);
  void* y = env.address(node.name);
  const DType t = env.dtype();
  const bool mul = node.op == OpKind::mul;
  const i64 n = numel(os);
  return make_step(node.name, std::string(op_name(node.op)),
                   [=](cudaStream_t s) { kernels::binary(a, c, y, t, b, mul, n, s); });
}

std::unique_ptr<Step> concat_step(const Node& node, BuildEnv& env) {
  const Shape& os = env.shape(node.name);
  const std::size_t axis = axis_of(node.attr<ConcatAttrs>().axis, os.size());
  const std::size_t elt = dtype_size(env.dtype());
  const i64 outer = product(os, 0, axis), inner = product(os, axis + 1, os.size());
  const std::size_t out_row = static_cast<std::size_t>(os[axis] * inner) * elt;
  struct Piece {
    const void* src;
    std::size_t row;  // bytes of one outer row of this input
    std::size_t at;   // byte offset of its block within an output row
  };
  std::vector<Piece> pieces;
  std::size_t at = 0;
  for (const auto& in : node.inputs) {
    const std::size_t row = static_cast<std::size_t>(env.shape(in)[axis] * inner) * elt;
    if (row > 0) pieces.push_back({env.address(in), row, at});
    at += row;
  }
  auto* y = static_cast<std::byte*>(env.address(node.name));
  return make_step(node.name, "concat", [=](cudaStream_t s) {
    for (const Piece& p : pieces)
      EB_GPU_CHECK(cudaMemcpy2DAsync(y + p.at, out_row, p.src, p.row, p.row, static_cast<std::size_t>(outer),
                                     cudaMemcpyDeviceToDevice, s));
  });
}

std::unique_ptr<Step> slice_step(const Node& node, BuildEnv& env) {
  const auto& a = node.attr<SliceAttrs>();
  const Shape& is = env.shape(node.inputs[0]);
  const std::size_t axis = axis_of(a.axis, is.size());
  const std::size_t elt = dtype_size(env.dtype());
  const i64 outer = product(is, 0, axis), inner = product(is, axis + 1, is.size());
  const std::size_t in_row = static_cast<std::size_t>(is[axis] * inner) * elt;
  const std::size_t out_row = static_cast<std::size_t>((a.end - a.start) * inner) * elt;
  const auto* x = static_cast<const std::byte*>(env.address(node.inputs[0])) + static_cast<std::size_t>(a.start * inner) * elt;
  void* y = env.address(node.name);
  return make_step(node.name, "slice", [=](cudaStream_t s) {
    EB_GPU_CHECK(cudaMemcpy2DAsync(y, out_row, x, in_row, out_row, static_cast<std::size_t>(outer), cudaMemcpyDeviceToDevice, s));
  });
}

std::unique_ptr<Step> transpose_step(const Node& node, BuildEnv& env) {
  const auto& perm = node.attr<TransposeAttrs>().perm;
  const Shape& is = env.shape(node.inputs[0]);
  const Shape& os = env.shape(node.name);
  i64 in_stride[kernels::kMaxRank] = {};
  i64 stride = 1;
  for (std::size_t d = is.size(); d-- > 0;) {
    in_stride[d] = stride;
    stride *= is[d];
  }
  kernels::Permute p;
  p.rank = static_cast<int>(os.size());
  for (std::size_t d = 0; d < os.size(); ++d) {
    p.dims[d] = os[d];
    p.in_stride[d] = in_stride[static_cast<std::size_t>(perm[d])];
  }
  const void* x = env.address(node.inputs[0]);
  void* y = env.address(node.name);
  const DType t = env.dtype();
  const i64 n = numel(os);
  return make_step(node.name, "transpose", [=](cudaStream_t s) { kernels::transpose(x, y, t, p, n, s); });
}

std::unique_ptr<Step> resize_step(const Node& node, BuildEnv& env) {
  const auto& a = node.attr<ResizeAttrs>();
  const Shape& is = env.shape(node.inputs[0]);
  const auto mode = a.align_corners        ? kernels::ResizeMode::align_corners
                    : a.half_pixel_centers ? kernels::ResizeMode::half_pixel_centers
                                           : kernels::ResizeMode::asymmetric;
  const void* x = env.address(node.inputs[0]);
  void* y = env.address(node.name);
  const DType t = env.dtype();
  const i64 planes = is[0] * is[1], h = is[2], w = is[3], oh = a.out_h, ow = a.out_w;
  return make_step(node.name, "resize_bilinear",
                   [=](cudaStream_t s) { kernels::resize_bilinear(x, y, t, planes, h, w, oh, ow, mode, s); });
}

}  // namespace

Steps build_simple(const Node& node, BuildEnv& env) {
  Steps steps;
  const DType t = env.dtype();
  const std::string op(op_name(node.op));
  switch (node.op) {
    case OpKind::gelu:
    case OpKind::relu:
    case OpKind::relu6:
    case OpKind::hardswish:
    case OpKind::hardsigmoid:
    case OpKind::sigmoid: {
      const void* x = env.address(node.inputs[0]);
      void* y = env.address(node.name);
      const i64 n = numel(env.shape(node.name));
      const Activation act = unary_activation(node.op);
      steps.push_back(make_step(node.name, op, [=](cudaStream_t s) { kernels::activation(x, y, t, n, act, s); }));
      break;
    }
    case OpKind::add:
    case OpKind::mul: steps.push_back(binary_step(node, env)); break;
    case OpKind::layernorm: {
      const void* x = env.address(node.inputs[0]);
      void* y = env.address(node.name);
      const float* gamma = env.weight_f32(node.inputs[1]);
      const float* beta = env.weight_f32(node.inputs[2]);
      const Shape& s = env.shape(node.name);
      const i64 d = s.back(), rows = d == 0 ? 0 : numel(s) / d;
      const float eps = node.attr<LayerNormAttrs>().eps;
      steps.push_back(make_step(node.name, op, [=](cudaStream_t st) { kernels::layernorm(x, y, t, gamma, beta, rows, d, eps, st); }));
      break;
    }
    case OpKind::softmax: {
      const Shape& s = env.shape(node.name);
      const std::size_t axis = axis_of(node.attr<SoftmaxAttrs>().axis, s.size());
      const i64 outer = product(s, 0, axis), len = s[axis], inner = product(s, axis + 1, s.size());
      const void* x = env.address(node.inputs[0]);
      void* y = env.address(node.name);
      steps.push_back(make_step(node.name, op, [=](cudaStream_t st) { kernels::softmax(x, y, t, outer, len, inner, st); }));
      break;
    }
    case OpKind::global_avg_pool: {
      const Shape& s = env.shape(node.inputs[0]);
      const i64 planes = s[0] * s[1], hw = s[2] * s[3];
      const void* x = env.address(node.inputs[0]);
      void* y = env.address(node.name);
      steps.push_back(make_step(node.name, op, [=](cudaStream_t st) { kernels::global_avg_pool(x, y, t, planes, hw, st); }));
      break;
    }
    case OpKind::concat: steps.push_back(concat_step(node, env)); break;
    case OpKind::slice: steps.push_back(slice_step(node, env)); break;
    case OpKind::transpose: steps.push_back(transpose_step(node, env)); break;
    case OpKind::resize_bilinear: steps.push_back(resize_step(node, env)); break;
    case OpKind::reshape: break;  // an alias of its input: no work
    default: throw std::logic_error("gpu: build_simple called for " + op);
  }
  return steps;
}

Steps build_node(const Node& node, BuildEnv& env) {
  switch (node.op) {
    case OpKind::conv2d: return build_conv(node, env);
    case OpKind::linear: return build_linear(node, env);
    case OpKind::matmul: return build_matmul(node, env);
    case OpKind::attention: return build_attention(node, env);
    case OpKind::moe: return build_moe(node, env);
    case OpKind::layernorm:
    case OpKind::softmax:
    case OpKind::gelu:
    case OpKind::relu:
    case OpKind::relu6:
    case OpKind::hardswish:
    case OpKind::hardsigmoid:
    case OpKind::sigmoid:
    case OpKind::add:
    case OpKind::mul:
    case OpKind::concat:
    case OpKind::reshape:
    case OpKind::transpose:
    case OpKind::slice:
    case OpKind::resize_bilinear:
    case OpKind::global_avg_pool: return build_simple(node, env);
  }
  throw std::logic_error("gpu: no builder for operator " + std::string(op_name(node.op)));
}

}  // namespace eb::gpu
