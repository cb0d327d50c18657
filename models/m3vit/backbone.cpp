#include "models/m3vit/backbone.h"

#include <vector>

#include "models/m3vit/init.h"

namespace eb::m3vit {
namespace {

std::string layernorm(GraphBuilder& g, const std::string& x, const std::string& name, std::int64_t dim, float eps) {
  const auto gamma = g.weight(name + ".weight", {dim}, WeightInit::ones());
  const auto beta = g.weight(name + ".bias", {dim}, WeightInit::zeros());
  return g.add(OpKind::layernorm, LayerNormAttrs{eps}, {x, gamma, beta}, name);
}

std::string linear(GraphBuilder& g, const std::string& x, const std::string& name, std::int64_t in, std::int64_t out,
                   double gain, Activation act = Activation::none) {
  const auto w = g.weight(name + ".weight", {out, in}, scaled_init(gain, in));
  const auto b = g.weight(name + ".bias", {out}, WeightInit::zeros());
  return g.add(OpKind::linear, LinearAttrs{act, true}, {x, w, b}, name);
}

// Patch embedding, class token and positional embedding: image → [B, 129, D].
std::string embed(GraphBuilder& g, const std::string& image, std::int64_t batch, const Config& c) {
  const std::int64_t D = c.dim, P = c.patch, fan_in = c.channels * P * P;
  Conv2dAttrs conv;
  conv.stride = {static_cast<int>(P), static_cast<int>(P)};
  conv.has_bias = true;
  const auto w = g.weight("patch_embed.proj.weight", {D, c.channels, P, P}, scaled_init(kPatchEmbedGain, fan_in));
  const auto b = g.weight("patch_embed.proj.bias", {D}, WeightInit::zeros());
  const auto fmap = g.add(OpKind::conv2d, conv, {image, w, b}, "patch_embed.proj");  // [B, D, 8, 16]
  const auto flat = g.add(OpKind::reshape, ReshapeAttrs{{batch, D, c.patches()}}, {fmap}, "patch_embed.flatten");
  const auto patches = g.add(OpKind::transpose, TransposeAttrs{{0, 2, 1}}, {flat}, "patch_embed.tokens");

  // One learned class token, prepended to every image of the batch (concat does not
  // broadcast, so the batch gets B copies).
  std::string cls = g.weight("cls_token", {1, 1, D}, WeightInit::with_std(kClsTokenStd));
  if (batch > 1)
    cls = g.add(OpKind::concat, ConcatAttrs{0}, std::vector<std::string>(static_cast<std::size_t>(batch), cls),
                "cls_token.expand");
  const auto tokens = g.add(OpKind::concat, ConcatAttrs{1}, {cls, patches}, "tokens");
  const auto pos = g.weight("pos_embed", {1, c.tokens(), D}, WeightInit::with_std(kPosEmbedStd));
  return g.add(OpKind::add, NoAttrs{}, {tokens, pos}, "pos_embed.add");
}

// Dense MLP (even blocks): fc1 with GELU fused, fc2.
std::string mlp(GraphBuilder& g, const std::string& x, const std::string& p, const Config& c) {
  const auto h = linear(g, x, p + ".fc1", c.dim, c.mlp_hidden, kFc1Gain, Activation::gelu);
  return linear(g, h, p + ".fc2", c.mlp_hidden, c.dim, kFc2Gain);
}

// Mixture of experts (odd blocks), routed by `task`'s gate.
std::string moe(GraphBuilder& g, const std::string& x, const std::string& p, const Task& task, const Config& c) {
  const std::int64_t D = c.dim, E = c.experts, H = c.expert_hidden;
  std::string gate;
  for (const Task& t : kTasks) {
    const auto w = g.weight(p + ".gate." + std::string(t.name), {D, E}, scaled_init(kGateLogitStd, D));
    if (t.name == task.name) gate = w;
  }
  const auto w1 = g.weight(p + ".experts.fc1.weight", {E, H, D}, scaled_init(kFc1Gain, D));
  const auto b1 = g.weight(p + ".experts.fc1.bias", {E, H}, WeightInit::zeros());
  const auto w2 = g.weight(p + ".experts.fc2.weight", {E, D, H}, scaled_init(kFc2Gain, H));
  const auto b2 = g.weight(p + ".experts.fc2.bias", {E, D}, WeightInit::zeros());
  MoeAttrs a;
  a.experts = c.experts;
  a.top_k = c.top_k;
  a.hidden = static_cast<int>(H);
  a.act = Activation::gelu;
  a.renormalize = false;
  return g.add(OpKind::moe, a, {x, gate, w1, b1, w2, b2}, p);
}

// Pre-norm block: x + proj(attn(qkv(norm1 x))), then + mlp(norm2 x).
std::string block(GraphBuilder& g, const std::string& x, int i, const Task& task, const Config& c) {
  const std::string p = "blocks." + std::to_string(i);
  const std::int64_t D = c.dim;
  const auto n1 = layernorm(g, x, p + ".norm1", D, c.ln_eps);
  const auto qkv = linear(g, n1, p + ".attn.qkv", D, 3 * D, kVGain);  // q/k rows rescaled by seeded_weights
  const auto att = g.add(OpKind::attention, AttentionAttrs{c.heads}, {qkv}, p + ".attn");
  const auto proj = linear(g, att, p + ".attn.proj", D, D, kAttnProjGain);
  const auto x1 = g.add(OpKind::add, NoAttrs{}, {x, proj}, p + ".attn.residual");
  const auto n2 = layernorm(g, x1, p + ".norm2", D, c.ln_eps);
  const auto m = Config::is_moe_block(i) ? moe(g, n2, p + ".mlp", task, c) : mlp(g, n2, p + ".mlp", c);
  return g.add(OpKind::add, NoAttrs{}, {x1, m}, p);
}

}  // namespace

std::string add_backbone(GraphBuilder& g, const std::string& image, const Task& task, std::int64_t batch,
                         const Config& c) {
  std::string x = embed(g, image, batch, c);
  for (int i = 0; i < c.depth; ++i) x = block(g, x, i, task, c);
  return x;
}

}  // namespace eb::m3vit
