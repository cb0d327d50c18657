#include "models/m3vit/head.h"

#include "models/m3vit/init.h"

namespace eb::m3vit {

std::string add_head(GraphBuilder& g, const std::string& tokens, const Task& task, std::int64_t batch,
                     const Config& c) {
  const std::string p = "heads." + std::string(task.name);
  const std::int64_t D = c.dim;
  const auto gamma = g.weight(p + ".norm.weight", {D}, WeightInit::ones());
  const auto beta = g.weight(p + ".norm.bias", {D}, WeightInit::zeros());
  const auto normed = g.add(OpKind::layernorm, LayerNormAttrs{c.ln_eps}, {tokens, gamma, beta}, p + ".norm");
  const auto patches = g.add(OpKind::slice, SliceAttrs{1, 1, c.tokens()}, {normed}, p + ".patch_tokens");
  const auto channels_first = g.add(OpKind::transpose, TransposeAttrs{{0, 2, 1}}, {patches}, p + ".transpose");
  const Shape grid{batch, D, c.grid_h(), c.grid_w()};  // [B, 192, 8, 16]
  std::string x = g.add(OpKind::reshape, ReshapeAttrs{grid}, {channels_first}, p + ".fmap");

  std::int64_t in = D, h = c.grid_h(), w = c.grid_w();
  for (int s = 0; s < c.head_stages; ++s) {
    const std::string sp = p + ".stages." + std::to_string(s);
    const std::int64_t out = c.head_channels;
    Conv2dAttrs conv;
    conv.pad = {1, 1, 1, 1};
    conv.act = Activation::relu;
    conv.has_bias = false;  // batch norm follows
    conv.has_batch_norm = true;
    conv.bn_eps = c.bn_eps;
    const auto cw = g.weight(sp + ".conv.weight", {out, in, 3, 3}, scaled_init(kHeadConvGain, in * 9));
    const auto bn_g = g.weight(sp + ".bn.weight", {out}, WeightInit::ones());
    const auto bn_b = g.weight(sp + ".bn.bias", {out}, WeightInit::zeros());
    const auto bn_m = g.weight(sp + ".bn.running_mean", {out}, WeightInit::zeros());
    const auto bn_v = g.weight(sp + ".bn.running_var", {out}, WeightInit::ones());
    x = g.add(OpKind::conv2d, conv, {x, cw, bn_g, bn_b, bn_m, bn_v}, sp + ".conv");
    h *= 2;
    w *= 2;
    x = g.add(OpKind::resize_bilinear, ResizeAttrs{h, w, false, true}, {x}, sp + ".upsample");
    in = out;
  }

  Conv2dAttrs pred;
  pred.has_bias = true;
  const auto pw = g.weight(p + ".pred.weight", {task.outputs, in, 1, 1}, scaled_init(kHeadPredGain, in));
  const auto pb = g.weight(p + ".pred.bias", {task.outputs}, WeightInit::zeros());
  return g.add(OpKind::conv2d, pred, {x, pw, pb}, p + ".pred");
}

}  // namespace eb::m3vit
