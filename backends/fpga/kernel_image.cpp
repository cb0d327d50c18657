#include "backends/fpga/kernel_image.h"

#include <cstring>
#include <stdexcept>
#include <string>

#include "backends/fpga/hw/formats.h"
#include "backends/fpga/kernel_abi.h"

namespace eb::fpga {
namespace {

constexpr std::int64_t kT = 129, kD = 192, kE = 16, kH = 384, kM = 768, kL = 12, kImgC = 3, kImgH = 128, kImgW = 256, kP = 16;

// Appends raws of format T for `values` at element offset `at` of a typed buffer.
template <hw::FixedPoint T>
void put(std::vector<std::byte>& buf, std::size_t at, std::span<const float> values, const std::string& name, ConversionReport& r) {
  const auto raws = convert<T>(values, name, r);
  std::memcpy(buf.data() + at * sizeof(typename T::raw_type), raws.data(), raws.size() * sizeof(typename T::raw_type));
}

class Builder {
 public:
  Builder(const Graph& g, const Weights& w, KernelImage& img) : g_(g), w_(w), img_(img) {}

  std::span<const float> weight(const std::string& name, const Shape& shape) const {
    if (!g_.is_weight(name) || g_.weight(name).shape != shape)
      throw std::invalid_argument("fpga kernel image: graph '" + g_.name + "' has no weight '" + name + "' of shape " + to_string(shape) +
                                  " (not an M3ViT backbone)");
    return w_.get(name).data<float>();
  }
  std::vector<std::byte>& buf(std::string_view name) { return img_.buffers[static_cast<std::size_t>(kernel_arg_index(name))]; }
  ConversionReport& report() { return img_.conversion; }

 private:
  const Graph& g_;
  const Weights& w_;
  KernelImage& img_;
};

std::size_t bytes(std::int64_t n, std::size_t each) { return static_cast<std::size_t>(n) * each; }

}  // namespace

std::span<std::byte> KernelImage::buffer(std::string_view name) { return buffers.at(static_cast<std::size_t>(kernel_arg_index(name))); }
std::span<const std::byte> KernelImage::buffer(std::string_view name) const {
  return buffers.at(static_cast<std::size_t>(kernel_arg_index(name)));
}

KernelImage make_m3vit_kernel_image(const Graph& g, const Weights& w, int num_images, const PixelOptions& px) {
  if (num_images < 1) throw std::invalid_argument("fpga kernel image: num_images must be at least 1");
  if (px.mean.size() != static_cast<std::size_t>(kImgC)) throw std::invalid_argument("fpga kernel image: the pixel normalisation needs 3 channels");
  KernelImage img;
  img.num_images = num_images;
  img.buffers.resize(kernel_args().size());
  Builder b(g, w, img);
  auto& r = b.report();
  const std::int64_t N = num_images;

  // Activations and scratch, zero-filled.
  b.buf("images").resize(bytes(N * kImgC * kImgH * kImgW, 1));
  b.buf("x").resize(bytes(N * kT * kD, 4));
  for (auto name : {"tmp1", "tmp2", "tmp3", "tmp4"}) b.buf(name).resize(bytes(kT * kD, 4));
  b.buf("tmp_hidden").resize(bytes(kT * kM, 4));
  b.buf("attn").resize(bytes(33 * kT * 4 * 4, 4));
  b.buf("attn_softmax_info").resize(bytes(kT * 8, 4));

  // Patch embedding, pixel normalisation folded in.
  const auto pw = b.weight("patch_embed.proj.weight", {kD, kImgC, kP, kP});
  const auto pb = b.weight("patch_embed.proj.bias", {kD});
  const FoldedPatch f = fold_pixel_normalisation(pw, pb, kD, kImgC, kP * kP, px.mean, px.std);
  b.buf("patch_embed_weights").resize(bytes(kD * kImgC * kP * kP, 2));
  put<hw::wt_patch_embed_t>(b.buf("patch_embed_weights"), 0, f.weight, "patch_embed.proj.weight", r);
  b.buf("patch_embed_bias").resize(bytes(kD, 2));
  put<hw::wt_bias_t>(b.buf("patch_embed_bias"), 0, f.bias, "patch_embed.proj.bias", r);

  // Positional embedding with the class token folded into row 0.
  std::vector<float> pos(b.weight("pos_embed", {1, kT, kD}).begin(), b.weight("pos_embed", {1, kT, kD}).end());
  const auto cls = b.weight("cls_token", {1, 1, kD});
  for (std::int64_t d = 0; d < kD; ++d) pos[static_cast<std::size_t>(d)] += cls[static_cast<std::size_t>(d)];
  b.buf("pos_embed").resize(bytes(kT * kD, 4));
  put<hw::act_t>(b.buf("pos_embed"), 0, pos, "pos_embed + cls_token", r);

  // The task whose gate the graph's MoE nodes read.
  std::string task;
  for (const Node& n : g.nodes)
    if (n.op == OpKind::moe) task = n.inputs.at(1).substr(n.inputs.at(1).rfind('.') + 1);
  if (task.empty()) throw std::invalid_argument("fpga kernel image: graph '" + g.name + "' has no MoE node");

  b.buf("attn_weights").resize(bytes(kL * 4 * kD * kD, 2));
  b.buf("attn_bias").resize(bytes(kL * 4 * kD, 2));
  b.buf("norm_weights").resize(bytes(kL * 2 * kD, 2));
  b.buf("norm_bias").resize(bytes(kL * 2 * kD, 2));
  b.buf("moe_w_gate").resize(bytes(kL / 2 * kE * kD, 2));
  b.buf("moe_weights_l1").resize(bytes(kL / 2 * kE * kH * kD, 2));
  b.buf("moe_bias_l1").resize(bytes(kL / 2 * kE * kH, 2));
  b.buf("moe_weights_l2").resize(bytes(kL / 2 * kE * kD * kH, 2));
  b.buf("moe_bias_l2").resize(bytes(kL / 2 * kE * kD, 2));
  b.buf("vit_weights_l1").resize(bytes(kL / 2 * kM * kD, 2));
  b.buf("vit_bias_l1").resize(bytes(kL / 2 * kM, 2));
  b.buf("vit_weights_l2").resize(bytes(kL / 2 * kD * kM, 2));
  b.buf("vit_bias_l2").resize(bytes(kL / 2 * kD, 2));

  for (std::int64_t i = 0; i < kL; ++i) {
    const std::string p = "blocks." + std::to_string(i);
    const auto at = static_cast<std::size_t>(i);
    // q, k, v are the row blocks of the fused qkv weight; the projection is the fourth.
    const auto qkv_w = b.weight(p + ".attn.qkv.weight", {3 * kD, kD});
    const auto qkv_b = b.weight(p + ".attn.qkv.bias", {3 * kD});
    put<hw::wt_linear_t>(b.buf("attn_weights"), at * 4 * kD * kD, qkv_w, p + ".attn.qkv.weight", r);
    put<hw::wt_linear_t>(b.buf("attn_weights"), (at * 4 + 3) * kD * kD, b.weight(p + ".attn.proj.weight", {kD, kD}), p + ".attn.proj.weight", r);
    put<hw::wt_attn_bias_t>(b.buf("attn_bias"), at * 4 * kD, qkv_b, p + ".attn.qkv.bias", r);
    put<hw::wt_attn_bias_t>(b.buf("attn_bias"), (at * 4 + 3) * kD, b.weight(p + ".attn.proj.bias", {kD}), p + ".attn.proj.bias", r);
    for (int n = 0; n < 2; ++n) {
      const std::string nn = p + ".norm" + std::to_string(n + 1);
      put<hw::wt_norm_t>(b.buf("norm_weights"), (at * 2 + static_cast<std::size_t>(n)) * kD, b.weight(nn + ".weight", {kD}), nn + ".weight", r);
      put<hw::wt_bias_t>(b.buf("norm_bias"), (at * 2 + static_cast<std::size_t>(n)) * kD, b.weight(nn + ".bias", {kD}), nn + ".bias", r);
    }
    const auto layer = static_cast<std::size_t>(i / 2);
    if (i % 2 == 1) {
      const auto gate = transposed(b.weight(p + ".mlp.gate." + task, {kD, kE}), kD, kE);  // [E][D]
      put<hw::wt_linear_t>(b.buf("moe_w_gate"), layer * kE * kD, gate, p + ".mlp.gate." + task, r);
      put<hw::wt_linear_t>(b.buf("moe_weights_l1"), layer * kE * kH * kD, b.weight(p + ".mlp.experts.fc1.weight", {kE, kH, kD}), p + ".mlp.experts.fc1.weight", r);
      put<hw::wt_bias_t>(b.buf("moe_bias_l1"), layer * kE * kH, b.weight(p + ".mlp.experts.fc1.bias", {kE, kH}), p + ".mlp.experts.fc1.bias", r);
      put<hw::wt_linear_t>(b.buf("moe_weights_l2"), layer * kE * kD * kH, b.weight(p + ".mlp.experts.fc2.weight", {kE, kD, kH}), p + ".mlp.experts.fc2.weight", r);
      put<hw::wt_bias_t>(b.buf("moe_bias_l2"), layer * kE * kD, b.weight(p + ".mlp.experts.fc2.bias", {kE, kD}), p + ".mlp.experts.fc2.bias", r);
    } else {
      put<hw::wt_linear_t>(b.buf("vit_weights_l1"), layer * kM * kD, b.weight(p + ".mlp.fc1.weight", {kM, kD}), p + ".mlp.fc1.weight", r);
      put<hw::wt_bias_t>(b.buf("vit_bias_l1"), layer * kM, b.weight(p + ".mlp.fc1.bias", {kM}), p + ".mlp.fc1.bias", r);
      put<hw::wt_linear_t>(b.buf("vit_weights_l2"), layer * kD * kM, b.weight(p + ".mlp.fc2.weight", {kD, kM}), p + ".mlp.fc2.weight", r);
      put<hw::wt_bias_t>(b.buf("vit_bias_l2"), layer * kD, b.weight(p + ".mlp.fc2.bias", {kD}), p + ".mlp.fc2.bias", r);
    }
  }
  return img;
}

void stage_images(KernelImage& image, const Tensor& images, const PixelOptions& px) {
  const Shape want{image.num_images, kImgC, kImgH, kImgW};
  if (images.shape() != want) throw std::invalid_argument("fpga: images must be " + to_string(want) + ", got " + to_string(images.shape()));
  const auto v = images.data<float>();
  auto out = image.buffer("images");
  const std::int64_t plane = kImgH * kImgW;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const auto c = static_cast<std::size_t>((static_cast<std::int64_t>(i) / plane) % kImgC);
    const auto level = pixel_level(v[i], px.mean[c], px.std[c]);
    if (!level)
      throw std::invalid_argument("fpga: input value " + std::to_string(v[i]) + " at " + std::to_string(i) +
                                  " is not an 8-bit level under the pixel normalisation; the kernel reads 8-bit pixels only");
    out[i] = static_cast<std::byte>(*level);
  }
}

Tensor read_tokens(const KernelImage& image) {
  Tensor t(DType::f32, {image.num_images, kT, kD});
  auto d = t.data<float>();
  const auto x = image.buffer("x");
  for (std::size_t i = 0; i < d.size(); ++i) {
    std::int32_t raw = 0;
    std::memcpy(&raw, x.data() + i * 4, 4);
    d[i] = static_cast<float>(hw::act_t::from_raw(raw).to_double());
  }
  return t;
}

}  // namespace eb::fpga
