#include "backends/cpu/post_ops.h"

namespace eb::cpu {

using dnnl::algorithm;

std::vector<EltwiseStage> eltwise_stages(Activation a) {
  switch (a) {
    case Activation::none: return {};
    case Activation::relu: return {{algorithm::eltwise_relu, 0.f, 0.f}};
    case Activation::relu6: return {{algorithm::eltwise_clip, 0.f, 6.f}};
    case Activation::hardswish: return {{algorithm::eltwise_hardswish, 0.f, 0.f}};
    case Activation::hardsigmoid:
      return {{algorithm::eltwise_linear, 1.f / 6.f, 0.5f}, {algorithm::eltwise_clip, 0.f, 1.f}};
    case Activation::sigmoid: return {{algorithm::eltwise_logistic, 0.f, 0.f}};
    case Activation::gelu: return {{algorithm::eltwise_gelu_erf, 0.f, 0.f}};
  }
  return {};
}

void append_activation(dnnl::post_ops& ops, Activation a) {
  for (const auto& s : eltwise_stages(a)) ops.append_eltwise(1.f, s.alg, s.alpha, s.beta);
}

FusedPostOps build_post_ops(Activation own, const PostOpChain& chain, const md_t& operand_md, bool binary,
                            bool use_sum) {
  FusedPostOps f;
  append_activation(f.ops, own);
  for (std::size_t i = 0; i < chain.ops.size(); ++i) {
    const PostOp& p = chain.ops[i];
    if (p.kind == PostOp::Kind::activation) {
      append_activation(f.ops, p.act);
      continue;
    }
    if (use_sum && p.op == OpKind::add && f.sum_operand.empty()) {
      f.ops.append_sum(1.f);
      f.sum_operand = p.operand;
      f.sum_node = chain.absorbed.at(i);
      continue;
    }
    if (!binary) continue;
    const int index = f.ops.len();
    f.ops.append_binary(p.op == OpKind::add ? algorithm::binary_add : algorithm::binary_mul, operand_md);
    f.operands.emplace_back(DNNL_ARG_ATTR_MULTIPLE_POST_OP(index) | DNNL_ARG_SRC_1, p.operand);
  }
  return f;
}

Args bind_operands(Builder& b, const FusedPostOps& post, const md_t& md) {
  Args args;
  for (const auto& [arg, tensor] : post.operands) {
    // A dense operand of another rank (linear works on [M, N] views of [..., N]) is
    // converted in its own shape and then viewed through `md`.
    const Shape& s = b.shape(tensor);
    const bool same_dims = md.dims() == dnnl::memory::dims(s.begin(), s.end());
    const Value v = same_dims ? b.as(tensor, md) : b.plain(tensor).viewed(md);
    args.emplace_back(arg, v);
  }
  return args;
}

std::string fused_name(const std::string& base, const PostOpChain& chain) {
  std::string name = base;
  for (const auto& n : chain.absorbed) name += "+" + n;
  return name;
}

}  // namespace eb::cpu
