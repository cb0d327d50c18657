#include "core/shape_inference.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace eb {
namespace {

[[noreturn]] void fail(const Node& n, const std::string& what) {
  throw std::invalid_argument("node '" + n.name + "' (" + std::string(op_name(n.op)) + "): " + what);
}

void expect_inputs(const Node& n, std::span<const Shape> in, std::size_t lo, std::size_t hi) {
  if (in.size() < lo || in.size() > hi)
    fail(n, "takes " + (lo == hi ? std::to_string(lo) : std::to_string(lo) + ".." + std::to_string(hi)) +
                " inputs, got " + std::to_string(in.size()));
}

void expect_rank(const Node& n, const Shape& s, std::size_t rank, const char* what) {
  if (s.size() != rank) fail(n, std::string(what) + " must have rank " + std::to_string(rank) + ", got " + to_string(s));
}

void expect_vec(const Node& n, const Shape& s, std::int64_t len, const char* what) {
  if (s != Shape{len}) fail(n, std::string(what) + " must be [" + std::to_string(len) + "], got " + to_string(s));
}

int norm_axis(const Node& n, int axis, std::size_t rank) {
  const int r = static_cast<int>(rank);
  const int a = axis < 0 ? axis + r : axis;
  if (a < 0 || a >= r) fail(n, "axis " + std::to_string(axis) + " out of range for rank " + std::to_string(r));
  return a;
}

Shape conv2d(const Node& n, std::span<const Shape> in) {
  const auto& a = n.attr<Conv2dAttrs>();
  const std::size_t want = 2 + (a.has_bias ? 1 : 0) + (a.has_batch_norm ? 4 : 0);
  expect_inputs(n, in, want, want);
  const Shape& x = in[0];
  const Shape& w = in[1];
  expect_rank(n, x, 4, "input");
  expect_rank(n, w, 4, "weight");
  if (a.groups < 1 || x[1] % a.groups != 0 || w[0] % a.groups != 0)
    fail(n, "groups " + std::to_string(a.groups) + " must divide input channels " + std::to_string(x[1]) +
                " and output channels " + std::to_string(w[0]));
  if (w[1] != x[1] / a.groups)
    fail(n, "weight " + to_string(w) + " expects " + std::to_string(w[1] * a.groups) + " input channels, input is " +
                to_string(x));
  for (int s : a.stride)
    if (s < 1) fail(n, "stride must be positive");
  for (int d : a.dilation)
    if (d < 1) fail(n, "dilation must be positive");
  for (int p : a.pad)
    if (p < 0) fail(n, "padding must be non-negative");
  std::size_t k = 2;
  if (a.has_bias) expect_vec(n, in[k++], w[0], "bias");
  if (a.has_batch_norm)
    for (int i = 0; i < 4; ++i) expect_vec(n, in[k++], w[0], "batch-norm parameter");
  const std::int64_t eff_h = static_cast<std::int64_t>(a.dilation[0]) * (w[2] - 1) + 1;
  const std::int64_t eff_w = static_cast<std::int64_t>(a.dilation[1]) * (w[3] - 1) + 1;
  const std::int64_t ph = x[2] + a.pad[0] + a.pad[2];
  const std::int64_t pw = x[3] + a.pad[1] + a.pad[3];
  if (ph < eff_h || pw < eff_w) fail(n, "kernel larger than padded input " + to_string(x));
  return {x[0], w[0], (ph - eff_h) / a.stride[0] + 1, (pw - eff_w) / a.stride[1] + 1};
}

Shape linear(const Node& n, std::span<const Shape> in) {
  const auto& a = n.attr<LinearAttrs>();
  const std::size_t want = a.has_bias ? 3 : 2;
  expect_inputs(n, in, want, want);
  const Shape& x = in[0];
  const Shape& w = in[1];
  if (x.empty()) fail(n, "input must have rank >= 1");
  expect_rank(n, w, 2, "weight");
  if (w[1] != x.back()) fail(n, "weight " + to_string(w) + " does not match input " + to_string(x));
  if (a.has_bias) expect_vec(n, in[2], w[0], "bias");
  Shape out = x;
  out.back() = w[0];
  return out;
}

Shape matmul(const Node& n, std::span<const Shape> in) {
  expect_inputs(n, in, 2, 2);
  const auto& a = n.attr<MatmulAttrs>();
  const Shape& x = in[0];
  const Shape& y = in[1];
  if (x.size() < 2 || y.size() < 2) fail(n, "inputs must have rank >= 2");
  const std::int64_t m = x[x.size() - 2], k = x.back();
  const std::int64_t ky = a.transpose_b ? y.back() : y[y.size() - 2];
  const std::int64_t ny = a.transpose_b ? y[y.size() - 2] : y.back();
  if (k != ky) fail(n, "inner dimensions differ: " + to_string(x) + " x " + to_string(y));
  Shape bx(x.begin(), x.end() - 2), by(y.begin(), y.end() - 2);
  Shape out;
  try {
    out = broadcast_shapes(bx, by);
  } catch (const std::invalid_argument& e) {
    fail(n, std::string("batch dimensions: ") + e.what());
  }
  out.push_back(m);
  out.push_back(ny);
  return out;
}

Shape layernorm(const Node& n, std::span<const Shape> in) {
  expect_inputs(n, in, 3, 3);
  if (in[0].empty()) fail(n, "input must have rank >= 1");
  expect_vec(n, in[1], in[0].back(), "gamma");
  expect_vec(n, in[2], in[0].back(), "beta");
  return in[0];
}

Shape concat(const Node& n, std::span<const Shape> in) {
  if (in.empty()) fail(n, "needs at least one input");
  const int axis = norm_axis(n, n.attr<ConcatAttrs>().axis, in[0].size());
  Shape out = in[0];
  for (std::size_t i = 1; i < in.size(); ++i) {
    if (in[i].size() != out.size()) fail(n, "inputs differ in rank");
    for (std::size_t d = 0; d < out.size(); ++d)
      if (static_cast<int>(d) != axis && in[i][d] != out[d])
        fail(n, "input " + std::to_string(i) + " " + to_string(in[i]) + " does not match " + to_string(in[0]));
    out[static_cast<std::size_t>(axis)] += in[i][static_cast<std::size_t>(axis)];
  }
  return out;
}

Shape reshape(const Node& n, std::span<const Shape> in) {
  expect_inputs(n, in, 1, 1);
  Shape out = n.attr<ReshapeAttrs>().shape;
  int infer = -1;
  std::int64_t known = 1;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i] == -1) {
      if (infer >= 0) fail(n, "more than one -1 in target shape");
      infer = static_cast<int>(i);
    } else if (out[i] < 0) {
      fail(n, "negative dimension in target shape");
    } else {
      known *= out[i];
    }
  }
  const std::int64_t total = numel(in[0]);
  if (infer >= 0) {
    if (known == 0 || total % known != 0) fail(n, "cannot reshape " + to_string(in[0]) + " to " + to_string(out));
    out[static_cast<std::size_t>(infer)] = total / known;
  }
  if (numel(out) != total) fail(n, "cannot reshape " + to_string(in[0]) + " to " + to_string(out));
  return out;
}

Shape transpose(const Node& n, std::span<const Shape> in) {
  expect_inputs(n, in, 1, 1);
  const auto& perm = n.attr<TransposeAttrs>().perm;
  if (perm.size() != in[0].size()) fail(n, "permutation length differs from input rank");
  std::vector<bool> seen(perm.size(), false);
  Shape out(perm.size());
  for (std::size_t i = 0; i < perm.size(); ++i) {
    const int p = perm[i];
    if (p < 0 || p >= static_cast<int>(perm.size()) || seen[static_cast<std::size_t>(p)]) fail(n, "invalid permutation");
    seen[static_cast<std::size_t>(p)] = true;
    out[i] = in[0][static_cast<std::size_t>(p)];
  }
  return out;
}

Shape slice(const Node& n, std::span<const Shape> in) {
  expect_inputs(n, in, 1, 1);
  const auto& a = n.attr<SliceAttrs>();
  const int axis = norm_axis(n, a.axis, in[0].size());
  const std::int64_t len = in[0][static_cast<std::size_t>(axis)];
  if (a.start < 0 || a.end > len || a.start >= a.end)
    fail(n, "slice [" + std::to_string(a.start) + ", " + std::to_string(a.end) + ") out of range for dimension " +
                std::to_string(len));
  Shape out = in[0];
  out[static_cast<std::size_t>(axis)] = a.end - a.start;
  return out;
}

Shape resize(const Node& n, std::span<const Shape> in) {
  expect_inputs(n, in, 1, 1);
  expect_rank(n, in[0], 4, "input");
  const auto& a = n.attr<ResizeAttrs>();
  if (a.out_h < 1 || a.out_w < 1) fail(n, "output size must be positive");
  return {in[0][0], in[0][1], a.out_h, a.out_w};
}

Shape attention(const Node& n, std::span<const Shape> in) {
  expect_inputs(n, in, 1, 1);
  expect_rank(n, in[0], 3, "qkv");
  const int h = n.attr<AttentionAttrs>().heads;
  const std::int64_t d3 = in[0][2];
  if (h < 1 || d3 % 3 != 0 || (d3 / 3) % h != 0)
    fail(n, "qkv width " + std::to_string(d3) + " must be 3·heads·head_dim with heads=" + std::to_string(h));
  return {in[0][0], in[0][1], d3 / 3};
}

Shape moe(const Node& n, std::span<const Shape> in) {
  expect_inputs(n, in, 6, 6);
  const auto& a = n.attr<MoeAttrs>();
  expect_rank(n, in[0], 3, "input");
  const std::int64_t d = in[0][2], e = a.experts, h = a.hidden;
  if (a.top_k < 1 || a.top_k > a.experts) fail(n, "top_k must be in 1..experts");
  auto want = [&](std::size_t i, const Shape& s, const char* what) {
    if (in[i] != s) fail(n, std::string(what) + " must be " + to_string(s) + ", got " + to_string(in[i]));
  };
  want(1, {d, e}, "gate");
  want(2, {e, h, d}, "fc1 weight");
  want(3, {e, h}, "fc1 bias");
  want(4, {e, d, h}, "fc2 weight");
  want(5, {e, d}, "fc2 bias");
  return in[0];
}

}  // namespace

Shape broadcast_shapes(const Shape& a, const Shape& b) {
  const std::size_t r = std::max(a.size(), b.size());
  Shape out(r);
  for (std::size_t i = 0; i < r; ++i) {
    const std::int64_t da = i < r - a.size() ? 1 : a[i - (r - a.size())];
    const std::int64_t db = i < r - b.size() ? 1 : b[i - (r - b.size())];
    if (da != db && da != 1 && db != 1)
      throw std::invalid_argument("shapes " + to_string(a) + " and " + to_string(b) + " do not broadcast");
    out[i] = da == 1 ? db : da;
  }
  return out;
}

Shape infer_shape(const Node& n, std::span<const Shape> in) {
  if (!attrs_match(n.op, n.attrs)) fail(n, "attributes of the wrong type");
  switch (n.op) {
    case OpKind::conv2d: return conv2d(n, in);
    case OpKind::linear: return linear(n, in);
    case OpKind::matmul: return matmul(n, in);
    case OpKind::layernorm: return layernorm(n, in);
    case OpKind::softmax:
      expect_inputs(n, in, 1, 1);
      norm_axis(n, n.attr<SoftmaxAttrs>().axis, in[0].size());
      return in[0];
    case OpKind::gelu:
    case OpKind::relu:
    case OpKind::relu6:
    case OpKind::hardswish:
    case OpKind::hardsigmoid:
    case OpKind::sigmoid: expect_inputs(n, in, 1, 1); return in[0];
    case OpKind::add:
    case OpKind::mul:
      expect_inputs(n, in, 2, 2);
      try {
        return broadcast_shapes(in[0], in[1]);
      } catch (const std::invalid_argument& e) {
        fail(n, e.what());
      }
    case OpKind::concat: return concat(n, in);
    case OpKind::reshape: return reshape(n, in);
    case OpKind::transpose: return transpose(n, in);
    case OpKind::slice: return slice(n, in);
    case OpKind::resize_bilinear: return resize(n, in);
    case OpKind::global_avg_pool:
      expect_inputs(n, in, 1, 1);
      expect_rank(n, in[0], 4, "input");
      return {in[0][0], in[0][1], 1, 1};
    case OpKind::attention: return attention(n, in);
    case OpKind::moe: return moe(n, in);
  }
  fail(n, "unknown operator");
}

std::int64_t node_macs(const Node& n, std::span<const Shape> in, const Shape& out) {
  switch (n.op) {
    case OpKind::conv2d: {
      const Shape& w = in[1];
      return numel(out) * w[1] * w[2] * w[3];
    }
    case OpKind::linear: return numel(out) * in[0].back();
    case OpKind::matmul: return numel(out) * in[0].back();
    case OpKind::attention: {
      // QKᵀ and A·V: each B·heads·T·T·head_dim
      const std::int64_t b = in[0][0], t = in[0][1], d = in[0][2] / 3;
      return 2 * b * t * t * d;
    }
    case OpKind::moe: {
      const auto& a = n.attr<MoeAttrs>();
      const std::int64_t tokens = in[0][0] * in[0][1], d = in[0][2];
      return tokens * d * a.experts + tokens * a.top_k * 2 * d * a.hidden;
    }
    default: return 0;
  }
}

std::vector<Shape> input_shapes(const Graph& g, const Node& node) {
  std::vector<Shape> s;
  s.reserve(node.inputs.size());
  for (const auto& t : node.inputs) s.push_back(g.info(t).shape);
  return s;
}

}  // namespace eb
