// The Edge-MoE kernel's interface (register map) and the weight image the host writes
// for it: formats, layouts, the pixel-folded patch embedding, and the images as 8-bit pixels.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "backends/fpga/hw/formats.h"
#include "backends/fpga/kernel_abi.h"
#include "backends/fpga/kernel_image.h"
#include "models/m3vit/m3vit.h"
#include "models/workload.h"

namespace eb::fpga {
namespace {

TEST(KernelAbi, FollowsThePublishedRegisterMap) {
  const auto args = kernel_args();
  ASSERT_EQ(args.size(), 28u);
  EXPECT_EQ(args[0].name, "num_images");
  EXPECT_EQ(args[0].offset, 0x10u);
  EXPECT_EQ(args[1].name, "reload_one_time_weights");
  EXPECT_EQ(args[1].offset, 0x18u);
  // Buffers from 0x20 on as 64-bit address pairs, 12 bytes apart.
  for (int i = 2; i <= 26; ++i) {
    EXPECT_EQ(args[static_cast<std::size_t>(i)].kind, ArgKind::buffer);
    EXPECT_EQ(args[static_cast<std::size_t>(i)].offset, 0x20u + 12u * static_cast<unsigned>(i - 2));
    EXPECT_EQ(args[static_cast<std::size_t>(i)].size, 8u);
  }
  EXPECT_EQ(args[static_cast<std::size_t>(kernel_arg_index("x"))].offset, 0x2Cu);
  EXPECT_EQ(args[static_cast<std::size_t>(kernel_arg_index("vit_weights_l2"))].offset, 284u);
  EXPECT_EQ(args[static_cast<std::size_t>(kernel_arg_index("norm_bias"))].offset, 0x140u);
  EXPECT_EQ(args[27].name, "debug_id");
  EXPECT_EQ(args[27].offset, 0x14Cu);
  EXPECT_THROW(kernel_arg_index("nope"), std::out_of_range);
}

struct BackboneImage {
  Graph graph;
  Weights weights;
  std::vector<Tensor> inputs;
  KernelImage image;
};

const BackboneImage& backbone_image() {
  static const BackboneImage b = [] {  // built once for the suite: read-only afterwards
    const WorkloadRegistry reg = make_workload_registry();
    const Workload& w = reg.get("m3vit-backbone");
    BackboneImage out;
    out.graph = w.build({});
    out.weights = w.make_weights(out.graph, 1);
    out.inputs = w.make_inputs(out.graph, 1);
    out.image = make_m3vit_kernel_image(out.graph, out.weights, 1, PixelOptions{});
    return out;
  }();
  return b;
}

template <class T>
T raw_at(const KernelImage& img, std::string_view buffer, std::size_t index) {
  T v{};
  std::memcpy(&v, img.buffer(buffer).data() + index * sizeof(T), sizeof(T));
  return v;
}

TEST(KernelImage, HoldsEveryBufferInTheKernelsFormatsAndLayouts) {
  const BackboneImage& b = backbone_image();
  const KernelImage& img = b.image;
  EXPECT_EQ(img.conversion.saturated, 0) << img.conversion.first_saturated;
  EXPECT_EQ(img.buffer("attn_weights").size(), 12u * 4 * 192 * 192 * 2);
  EXPECT_EQ(img.buffer("moe_weights_l1").size(), 6u * 16 * 384 * 192 * 2);
  EXPECT_EQ(img.buffer("images").size(), 3u * 128 * 256);
  EXPECT_EQ(img.buffer("x").size(), 129u * 192 * 4);

  // Q16.2 weights are int16 = floor(w·2^14); block 5's k rows are rows 192… of its qkv.
  const auto qkv = b.weights.get("blocks.5.attn.qkv.weight").data<float>();
  for (std::size_t r : {0u, 77u, 191u})
    for (std::size_t c : {0u, 100u, 191u}) {
      const float w = qkv[(192 + r) * 192 + c];
      EXPECT_EQ(raw_at<std::int16_t>(img, "attn_weights", ((5 * 4 + 1) * 192 + r) * 192 + c), static_cast<std::int16_t>(std::floor(w * 16384.0)));
    }
  // The gate is stored transposed, [E][D], for the routed task.
  const std::string task(m3vit::routed_task(b.graph).name);
  const auto gate = b.weights.get("blocks.3.mlp.gate." + task).data<float>();
  EXPECT_EQ(raw_at<std::int16_t>(img, "moe_w_gate", (1 * 16 + 7) * 192 + 11), static_cast<std::int16_t>(std::floor(gate[11 * 16 + 7] * 16384.0)));
  // Dense MLP of block 4 is layer 2 of the vit_* buffers; its biases are Q16.5.
  EXPECT_EQ(raw_at<std::int16_t>(img, "vit_bias_l1", 2 * 768 + 5),
            static_cast<std::int16_t>(std::floor(b.weights.get("blocks.4.mlp.fc1.bias").data<float>()[5] * 2048.0)));
  // Row 0 of the positional embedding carries the class token.
  const float pos0 = b.weights.get("pos_embed").data<float>()[3] + b.weights.get("cls_token").data<float>()[3];
  EXPECT_EQ(raw_at<std::int32_t>(img, "pos_embed", 3), hw::act_t::from_double(pos0).raw());
}

TEST(KernelImage, StagesTheImageAsEightBitPixelsAndRejectsOtherInputs) {
  const BackboneImage& b = backbone_image();
  KernelImage img = b.image;
  stage_images(img, b.inputs[0], PixelOptions{});
  // Pixel (c=1, y=10, x=20): the level whose normalised value the workload produced.
  const float v = b.inputs[0].data<float>()[(1 * 128 + 10) * 256 + 20];
  const auto level = static_cast<int>(img.buffer("images")[(1 * 128 + 10) * 256 + 20]);
  EXPECT_EQ((static_cast<float>(level) / 255.0f - 0.456f) / 0.224f, v);
  Tensor noise(DType::f32, {1, 3, 128, 256});
  noise.data<float>()[0] = 0.123f;
  EXPECT_THROW(stage_images(img, noise, PixelOptions{}), std::invalid_argument);
  EXPECT_EQ(read_tokens(img).shape(), (Shape{1, 129, 192}));
}

TEST(KernelImage, RefusesAGraphThatIsNotTheBackbone) {
  GraphBuilder g("tiny");
  const auto x = g.input("x", {1, 4});
  g.output(g.add(OpKind::gelu, NoAttrs{}, {x}, "y"));
  const Graph graph = g.finish();
  EXPECT_THROW(make_m3vit_kernel_image(graph, Weights{}, 1, PixelOptions{}), std::invalid_argument);
}

}  // namespace
}  // namespace eb::fpga
