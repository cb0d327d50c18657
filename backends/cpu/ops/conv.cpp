// conv2d (plain, grouped, depthwise) as one oneDNN convolution with the bias, the
// activation and any folded chain (residual add, a following activation) as post-ops.
//
// Source, weights and destination formats are left to oneDNN (format_tag::any): it keeps
// activations in one layout (nhwc on AVX-512, nChw8c on AVX2) from one convolution to the
// next, so reorders appear only where a layout-bound operator (reshape, matmul, ...) reads
// them. A residual add becomes a `sum` post-op accumulating into the residual's own
// buffer (see build_post_ops for why not a binary add).
#include <optional>

#include "backends/cpu/context.h"
#include "backends/cpu/ops/ops.h"
#include "backends/cpu/post_ops.h"

namespace eb::cpu {

using dnnl::memory;

namespace {
// Below this many multiply-accumulates a convolution runs on one thread: the fork-join of
// a parallel region costs more than half of such a convolution saves. Measured (AVX-512,
// 2 threads, best of 20 runs on a loaded machine): MobileDet-CPU's 38 squeeze-and-excite
// convolutions (<= 40 K MACs each) took 346 µs split over two threads, 278 µs on one. A
// descheduled partner thread makes a split far worse still.
constexpr std::int64_t kSerialConvMacs = 128 * 1024;
}  // namespace

void lower_conv2d(Builder& b, const Node& node) {
  const auto& a = node.attr<Conv2dAttrs>();
  if (a.has_batch_norm) throw std::logic_error("cpu backend: conv2d '" + node.name + "' still has batch norm (fold it first)");
  const Shape& xs = b.shape(node.inputs[0]);
  const Shape& ws = b.shape(node.inputs[1]);
  const Shape& ys = b.shape(node.name);
  const memory::dim g = a.groups;
  const auto f32 = memory::data_type::f32;
  const auto ct = b.context().compute_type;  // f32, or bf16 with f32 accumulation and output
  const auto any = memory::format_tag::any;

  const md_t src_any({xs.begin(), xs.end()}, ct, any);
  const md_t dst_any({ys.begin(), ys.end()}, f32, any);
  // Grouped weights are [g, O/g, I/g, kh, kw] to oneDNN: the same bytes as [O, I/g, kh, kw].
  const memory::dims wdims = g == 1 ? memory::dims{ws[0], ws[1], ws[2], ws[3]}
                                    : memory::dims{g, ws[0] / g, ws[1], ws[2], ws[3]};
  const md_t w_plain(wdims, f32, g == 1 ? memory::format_tag::oihw : memory::format_tag::goihw);
  const md_t w_any(wdims, ct, any);
  const md_t bias_md({ws[0]}, f32, memory::format_tag::x);
  const memory::dims strides{a.stride[0], a.stride[1]};
  const memory::dims dilation{a.dilation[0] - 1, a.dilation[1] - 1};  // oneDNN counts the gaps
  const memory::dims pad_l{a.pad[0], a.pad[1]}, pad_r{a.pad[2], a.pad[3]};
  const auto desc = dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference,
                                                    dnnl::algorithm::convolution_direct, src_any, w_any,
                                                    bias_md, dst_any, strides, dilation, pad_l, pad_r);

  // Tiny convolutions (squeeze-and-excite on a 1x1 map, heads on the smallest maps) run on
  // one thread: created and run under a one-thread scope, so oneDNN neither splits them
  // nor opens a parallel region.
  const std::int64_t macs = ys[0] * ys[1] * ys[2] * ys[3] * ws[1] * ws[2] * ws[3];
  const int threads = macs < kSerialConvMacs ? 1 : 0;
  std::optional<ThreadScope> serial;
  if (threads == 1) serial.emplace(1);

  const PostOpChain chain = b.chain_after(node);
  auto create = [&](const FusedPostOps& post) {
    auto attr = Builder::base_attr();
    attr.set_post_ops(post.ops);
    return dnnl::convolution_forward::primitive_desc(desc, attr, b.engine());
  };
  // Binary operands must be laid out like the destination, which oneDNN chooses only when
  // the primitive is created: create it without them first, then with them in that layout.
  auto pd = create(build_post_ops(a.act, chain, {}, false, true));
  md_t dst_md = pd.dst_desc();
  FusedPostOps post = build_post_ops(a.act, chain, dst_md, true, true);
  if (!post.operands.empty()) {
    pd = create(post);
    if (pd.dst_desc() != dst_md) {  // the operands changed oneDNN's mind: follow it once more
      dst_md = pd.dst_desc();
      post = build_post_ops(a.act, chain, dst_md, true, true);
      pd = create(post);
      if (pd.dst_desc() != dst_md) throw std::logic_error("cpu backend: no stable layout for '" + node.name + "'");
    }
  }

  const Tensor& w = b.weight(node.inputs[1]);
  const Value weights = b.constant(w.data<float>(), w_plain, pd.weights_desc());
  Value bias;
  if (a.has_bias) {
    bias = b.plain(node.inputs[2]);
  } else {
    const std::vector<float> zeros(static_cast<std::size_t>(ws[0]), 0.f);
    bias = b.constant(zeros, bias_md, bias_md);
  }
  const Value src = b.as(node.inputs[0], pd.src_desc());
  Args args{{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, weights}, {DNNL_ARG_BIAS, bias}};
  for (auto& operand : bind_operands(b, post, dst_md)) args.push_back(std::move(operand));
  Value dst;
  if (post.sum_operand.empty()) {
    dst = b.fresh(dst_md);
  } else {
    std::vector<Value> others;
    for (const auto& [arg, v] : args) others.push_back(v);
    dst = b.accumulator(post.sum_operand, dst_md, post.sum_node, others, fused_name(node.name, chain) + ":residual");
  }
  args.emplace_back(DNNL_ARG_DST, dst);
  b.add_primitive(fused_name(node.name, chain), "conv2d", pd, dnnl::convolution_forward(pd), std::move(args), threads);
  b.absorb(chain);
  b.define(chain.result, dst);
}

}  // namespace eb::cpu
