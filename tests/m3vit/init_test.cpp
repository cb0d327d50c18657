// Seeded M³ViT weights and inputs: bit-identical for a seed, different across seeds, and
// shaped as models/m3vit/init.h promises (orthonormal gates, zero-sum fc2 rows, q/k).
#include <gtest/gtest.h>

#include <cmath>

#include "core/rng.h"
#include "models/m3vit/init.h"
#include "models/m3vit/input.h"
#include "models/m3vit/m3vit.h"

namespace eb::m3vit {
namespace {

std::uint64_t checksum(const Tensor& t) {
  const auto bytes = t.bytes();
  return fnv1a64(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

TEST(M3vitInit, WeightsAreBitIdenticalForASeed) {
  const Graph g = build_model("seg");
  const Weights a = seeded_weights(g, 0), b = seeded_weights(g, 0), c = seeded_weights(g, 1);
  EXPECT_NO_THROW(a.check_against(g));
  EXPECT_EQ(a.size(), g.weights.size());
  bool any_differs = false;
  for (const auto& [name, t] : a.all()) {
    EXPECT_EQ(t, b.get(name)) << name;
    any_differs = any_differs || !(t == c.get(name));
  }
  EXPECT_TRUE(any_differs);
}

TEST(M3vitInit, WorkloadWeightsAgreeBetweenBackboneAndModel) {
  // Per-name streams: a weight's values do not depend on which graph declares it.
  const Graph backbone = build_backbone("depth"), model = build_model("seg");
  const Weights wb = seeded_weights(backbone, 7), wm = seeded_weights(model, 7);
  for (const auto& [name, t] : wb.all()) EXPECT_EQ(t, wm.get(name)) << name;
}

TEST(M3vitInit, GatesHaveOrthogonalColumnsOfTheLogitScale) {
  const Graph g = build_backbone();
  const Weights w = seeded_weights(g, 0);
  for (const std::string name : {"blocks.1.mlp.gate.seg", "blocks.11.mlp.gate.depth"}) {
    const auto v = w.get(name).data<float>();
    for (int i = 0; i < 16; ++i)
      for (int j = 0; j <= i; ++j) {
        double dot = 0;
        for (int d = 0; d < 192; ++d) dot += static_cast<double>(v[d * 16 + i]) * v[d * 16 + j];
        EXPECT_NEAR(dot, i == j ? kGateLogitStd * kGateLogitStd : 0.0, 1e-5) << name << " columns " << i << ", " << j;
      }
  }
  EXPECT_FALSE(w.get("blocks.1.mlp.gate.seg") == w.get("blocks.1.mlp.gate.depth"));
}

TEST(M3vitInit, Fc2RowsSumToZero) {
  const Graph g = build_backbone();
  const Weights w = seeded_weights(g, 0);
  for (const std::string name : {"blocks.0.mlp.fc2.weight", "blocks.5.mlp.experts.fc2.weight"}) {
    const Tensor& t = w.get(name);
    const auto v = t.data<float>();
    const std::int64_t H = t.dim(-1);
    double max_abs = 0, max_sum = 0;
    for (std::int64_t r = 0; r < t.numel() / H; ++r) {
      double s = 0;
      for (std::int64_t j = 0; j < H; ++j) {
        s += v[static_cast<std::size_t>(r * H + j)];
        max_abs = std::max(max_abs, std::abs(static_cast<double>(v[static_cast<std::size_t>(r * H + j)])));
      }
      max_sum = std::max(max_sum, std::abs(s));
    }
    EXPECT_LT(max_sum, 1e-4) << name;
    EXPECT_GT(max_abs, 0.01) << name;
  }
}

TEST(M3vitInit, KeysFollowQueries) {
  const Weights w = seeded_weights(build_backbone(), 0);
  const auto v = w.get("blocks.4.attn.qkv.weight").data<float>();
  const std::size_t n = 192 * 192;
  double qk = 0, qq = 0, kk = 0;
  for (std::size_t i = 0; i < n; ++i) {
    qk += static_cast<double>(v[i]) * v[n + i];
    qq += static_cast<double>(v[i]) * v[i];
    kk += static_cast<double>(v[n + i]) * v[n + i];
  }
  EXPECT_NEAR(qk / std::sqrt(qq * kk), std::sqrt(1.0 - kQkOwnShare), 0.02);
}

TEST(M3vitInit, SyntheticImageIsDeterministicAndNormalised) {
  const Tensor a = synthetic_image(2, 0), b = synthetic_image(2, 0), c = synthetic_image(2, 1);
  EXPECT_EQ(a.shape(), (Shape{2, 3, 128, 256}));
  EXPECT_EQ(a, b);
  EXPECT_FALSE(a == c);
  const auto v = a.data<float>();
  const std::size_t plane = 128 * 256;
  for (std::size_t img = 0; img < 2; ++img)
    for (std::size_t ch = 0; ch < 3; ++ch) {
      double s = 0, s2 = 0;
      for (std::size_t i = 0; i < plane; ++i) {
        const double x = v[(img * 3 + ch) * plane + i];
        s += x;
        s2 += x * x;
      }
      const double mean = s / plane, sd = std::sqrt(s2 / plane - mean * mean);
      EXPECT_NEAR(mean, 0.0, 0.05) << "image " << img << " channel " << ch;
      EXPECT_GT(sd, 0.2);
      EXPECT_LT(sd, 2.0);
    }
  // The two images of a batch are different scenes.
  EXPECT_NE(checksum(Tensor::from<float>({plane}, v.subspan(0, plane))),
            checksum(Tensor::from<float>({plane}, v.subspan(3 * plane, plane))));
  // Pinned: integer and IEEE arithmetic only, so these hold on every machine (a change of
  // the default input changes every expert-load figure and must be deliberate).
  EXPECT_EQ(checksum(synthetic_image(1, 0)), 7016016889088818252ull);
}

TEST(M3vitInit, PinnedChecksums) {
  // Integer and correctly rounded IEEE arithmetic only, so these hold on every machine.
  const Weights w = seeded_weights(build_backbone(), 0);
  EXPECT_EQ(checksum(w.get("pos_embed")), 12375399928753834180ull);
  EXPECT_EQ(checksum(w.get("blocks.0.attn.qkv.weight")), 18176677698921785894ull);        // q/k correlation
  EXPECT_EQ(checksum(w.get("blocks.1.mlp.experts.fc2.weight")), 3434014820962573423ull);  // centred rows
  EXPECT_EQ(checksum(w.get("blocks.1.mlp.gate.seg")), 7816299605419309558ull);            // Gram–Schmidt
}

}  // namespace
}  // namespace eb::m3vit
