#include "backends/gpu/support.h"

#include <climits>

#include "backends/gpu/kernels.h"
#include "backends/gpu/options.h"

namespace eb::gpu {
namespace {

bool fits_int(std::int64_t v) { return v >= 0 && v <= INT_MAX; }

bool dims_fit_int(const Shape& s) {
  for (auto d : s)
    if (!fits_int(d)) return false;
  return fits_int(numel(s));
}

bool is_float(DType t) { return t == DType::f32 || t == DType::f16 || t == DType::bf16; }

// Inputs [first, end) must be weights.
std::string weights_only(const Graph& g, const Node& n, std::size_t first) {
  for (std::size_t i = first; i < n.inputs.size(); ++i)
    if (!g.is_weight(n.inputs[i])) return "input '" + n.inputs[i] + "' is an activation; the gpu backend needs a weight there";
  return {};
}

// Each batch dimension set of a matmul operand: all 1 (shared) or the output's own.
bool single_stride_batch(const Shape& operand, const Shape& out) {
  const std::size_t r = operand.size() - 2, orank = out.size() - 2;
  bool all_one = true;
  for (std::size_t i = 0; i < r; ++i) all_one = all_one && operand[i] == 1;
  if (all_one) return true;
  for (std::size_t i = 0; i < orank; ++i) {
    const std::int64_t d = i + r >= orank ? operand[i + r - orank] : 1;  // left-padded with 1s
    if (d != out[i]) return false;
  }
  return true;
}

}  // namespace

std::string unsupported_reason(const Graph& g, const Node& n, const CompileOptions& options) {
  if (!precision_supported(options.precision))
    return "precision " + std::string(precision_name(options.precision)) + " (the gpu backend runs fp32, fp16, bf16)";
  for (const auto& in : n.inputs) {
    const TensorInfo& info = g.info(in);
    if (info.kind == TensorKind::weight ? !is_float(info.dtype) : info.dtype != DType::f32)
      return "input '" + in + "' is " + std::string(dtype_name(info.dtype));
    if (!dims_fit_int(info.shape)) return "input '" + in + "' " + to_string(info.shape) + " exceeds int dimensions";
  }
  const Shape& out = g.info(n.name).shape;
  if (!dims_fit_int(out)) return "output " + to_string(out) + " exceeds int dimensions";

  switch (n.op) {
    case OpKind::conv2d:
      if (n.attr<Conv2dAttrs>().has_batch_norm) return "batch norm not folded (run fold_batch_norm first)";
      return weights_only(g, n, 1);
    case OpKind::linear: return weights_only(g, n, 1);
    case OpKind::layernorm: return weights_only(g, n, 1);
    case OpKind::matmul: {
      const Shape& a = g.info(n.inputs[0]).shape;
      const Shape& b = g.info(n.inputs[1]).shape;
      if (!single_stride_batch(a, out) || !single_stride_batch(b, out))
        return "batch broadcast " + to_string(a) + " x " + to_string(b) + " is not one stride per operand";
      return {};
    }
    case OpKind::add:
    case OpKind::mul:
    case OpKind::transpose:
      if (out.size() > static_cast<std::size_t>(kernels::kMaxRank)) return "rank " + std::to_string(out.size()) + " > 6";
      return {};
    case OpKind::moe: {
      const auto& a = n.attr<MoeAttrs>();
      if (a.experts > kernels::kMaxExperts) return std::to_string(a.experts) + " experts (at most 64)";
      if (a.top_k > kernels::kMaxTopK) return "top_k " + std::to_string(a.top_k) + " (at most 8)";
      const Shape& x = g.info(n.inputs[0]).shape;
      if (!fits_int(x[0] * x[1] * a.top_k * std::max<std::int64_t>(x[2], a.hidden))) return "expert rows exceed int";
      return weights_only(g, n, 1);
    }
    case OpKind::softmax:
    case OpKind::gelu:
    case OpKind::relu:
    case OpKind::relu6:
    case OpKind::hardswish:
    case OpKind::hardsigmoid:
    case OpKind::sigmoid:
    case OpKind::concat:
    case OpKind::reshape:
    case OpKind::slice:
    case OpKind::resize_bilinear:
    case OpKind::global_avg_pool:
    case OpKind::attention: return {};
  }
  return "unknown operator";
}

}  // namespace eb::gpu
