// Data movement: concat (in place when it can be, else oneDNN concat), reshape (a view,
// no copy), transpose and slice (oneDNN reorders from a strided view of the source).
#include <algorithm>

#include "backends/cpu/layouts.h"
#include "backends/cpu/ops/ops.h"

namespace eb::cpu {

using dnnl::memory;

namespace {
int norm_axis(int axis, std::size_t rank) { return axis < 0 ? axis + static_cast<int>(rank) : axis; }
}  // namespace

void lower_concat(Builder& b, const Node& node) {
  const Shape& ys = b.shape(node.name);
  const int axis = norm_axis(node.attr<ConcatAttrs>().axis, ys.size());
  // Producers that agree on a blocked format (channel concat of conv outputs) keep it.
  const auto first_tag = dense_tag(b.value(node.inputs[0]).md);
  bool same = first_tag.has_value();
  for (const auto& in : node.inputs) same = same && dense_tag(b.value(in).md) == first_tag;
  const bool blocked = same && !is_plain(b.value(node.inputs[0]).md);

  // Otherwise, when every dimension before the axis is 1, each input is one contiguous
  // block of the dense output: its producer writes it there directly and the concat costs
  // nothing. Inputs that cannot be placed (weights, views, tensors another concat already
  // placed, other layouts) are copied into their block.
  if (!blocked && std::all_of(ys.begin(), ys.begin() + axis, [](std::int64_t d) { return d == 1; })) {
    const Value out = b.fresh(Builder::plain_desc(ys));
    std::size_t offset = 0;
    for (const auto& in : node.inputs) {
      const md_t in_md = Builder::plain_desc(b.shape(in));
      const Value v = b.value(in);
      if (v.md != in_md || !b.place_inside(v, out, offset)) b.copy(v, out.viewed(in_md, offset), node.name, "concat");
      offset += in_md.get_size();
    }
    b.define(node.name, out);
    return;
  }

  std::vector<Value> srcs;
  std::vector<md_t> mds;
  for (const auto& in : node.inputs) {
    srcs.push_back(blocked ? b.value(in) : b.plain(in));
    mds.push_back(srcs.back().md);
  }
  const md_t dst_md = blocked ? md_t({ys.begin(), ys.end()}, memory::data_type::f32, *first_tag) : Builder::plain_desc(ys);
  const dnnl::concat::primitive_desc pd(dst_md, axis, mds, b.engine(), Builder::base_attr());
  const Value dst = b.fresh(dst_md);
  Args args{{DNNL_ARG_DST, dst}};
  for (std::size_t i = 0; i < srcs.size(); ++i) args.emplace_back(DNNL_ARG_MULTIPLE_SRC + static_cast<int>(i), srcs[i]);
  b.add_primitive(node.name, "concat", pd, dnnl::concat(pd), std::move(args));
  b.define(node.name, dst);
}

void lower_reshape(Builder& b, const Node& node) {
  // Dense row-major data reshapes in place: the same bytes under a new descriptor.
  b.define(node.name, b.plain(node.inputs[0]).viewed(Builder::plain_desc(b.shape(node.name))));
}

void lower_transpose(Builder& b, const Node& node) {
  const auto& perm = node.attr<TransposeAttrs>().perm;
  // One reorder from wherever the input lies (a blocked conv output included) into the
  // output's row-major order, described over the input's dimensions: output axis i is
  // input axis perm[i], and permute_axes(perm) maps the output descriptor onto those.
  const md_t out_md = Builder::plain_desc(b.shape(node.name));
  const md_t target = out_md.permute_axes(perm);
  const Value in = b.value(node.inputs[0]);
  // A producer that already wrote that order (an nhwc convolution read as NHWC, the
  // SSDLite heads) makes the transpose a view: no copy, and a concat can place it.
  if (in.md == target) return b.define(node.name, in.viewed(out_md));
  const Value out = b.convert(in, target, node.name, "transpose");
  b.define(node.name, out.viewed(out_md));
}

void lower_slice(Builder& b, const Node& node) {
  const auto& a = node.attr<SliceAttrs>();
  const Value src = b.plain(node.inputs[0]);
  const Shape& ys = b.shape(node.name);
  const int axis = norm_axis(a.axis, ys.size());
  memory::dims offsets(ys.size(), 0);
  offsets[static_cast<std::size_t>(axis)] = a.start;
  const md_t view = src.md.submemory_desc({ys.begin(), ys.end()}, offsets);
  // A slice that is one contiguous block (every axis before it has extent 1) is a view.
  const bool contiguous = std::all_of(ys.begin(), ys.begin() + axis, [](std::int64_t d) { return d == 1; });
  if (contiguous) {
    const std::size_t start = static_cast<std::size_t>(view.data.offset0) * sizeof(float);
    b.define(node.name, src.viewed(Builder::plain_desc(ys), start));
    return;
  }
  b.define(node.name, b.convert(src.viewed(view), Builder::plain_desc(ys), node.name, "slice"));
}

}  // namespace eb::cpu
