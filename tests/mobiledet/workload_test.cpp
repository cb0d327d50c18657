// The mobiledet-* workloads: registry names, deterministic weights and inputs, and one
// reference run of the smallest variant with sane outputs and post-processing.
#include <gtest/gtest.h>

#include <cmath>

#include "core/fold_batch_norm.h"
#include "core/reference/reference_backend.h"
#include "core/rng.h"
#include "models/mobiledet/mobiledet.h"

namespace eb::mobiledet {
namespace {

const Workload& workload(std::string_view name) {
  static const auto all = make_workloads();
  for (const auto& w : all)
    if (w->name() == name) return *w;
  throw std::invalid_argument("no workload " + std::string(name));
}

std::uint64_t checksum(const Tensor& t) {
  const auto bytes = t.bytes();
  return fnv1a64(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

TEST(MobileDetWorkloads, FourVariantsWithTheirNames) {
  const auto all = make_workloads();
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0]->name(), "mobiledet-cpu");
  EXPECT_EQ(all[1]->name(), "mobiledet-edgetpu");
  EXPECT_EQ(all[2]->name(), "mobiledet-dsp");
  EXPECT_EQ(all[3]->name(), "mobiledet-gpu");
  for (const auto& w : all) {
    EXPECT_TRUE(w->tasks().empty());
    EXPECT_FALSE(w->description().empty());
  }
  EXPECT_THROW(all[0]->build({.task = "seg"}), std::invalid_argument);
  EXPECT_THROW(all[0]->build({.task = "", .batch = 0}), std::invalid_argument);
}

TEST(MobileDetWorkloads, WeightsAreSeededAndNearIdentityBatchNorm) {
  const Workload& w = workload("mobiledet-edgetpu");
  const Graph g = w.build({});
  const Weights a = w.make_weights(g, 42), b = w.make_weights(g, 42), c = w.make_weights(g, 43);
  EXPECT_NO_THROW(a.check_against(g));
  bool any_differs = false;
  for (const auto& [name, t] : a.all()) {
    EXPECT_EQ(t, b.get(name)) << name;
    any_differs = any_differs || !(t == c.get(name));
  }
  EXPECT_TRUE(any_differs);
  for (const auto& [name, t] : a.all()) {
    const auto v = t.data<float>();
    const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
    if (name.ends_with(".gamma") || name.ends_with(".var")) {
      EXPECT_GE(*lo, 0.9f) << name;
      EXPECT_LE(*hi, 1.1f) << name;
    } else if (name.ends_with(".beta") || name.ends_with(".mean")) {
      EXPECT_LE(std::max(-*lo, *hi), 0.05f) << name;
    }
  }
  // Pinned so a change of recipe or RNG is noticed (the same on every machine).
  EXPECT_EQ(checksum(a.get("backbone.00_conv.weight")), 8410096662705483402u) << "update the pinned checksum if the recipe changed on purpose";
}

TEST(MobileDetWorkloads, InputIsADeterministicImageInRange) {
  const Workload& w = workload("mobiledet-cpu");
  const Graph g = w.build({.task = "", .batch = 2});
  const auto x = w.make_inputs(g, 7);
  ASSERT_EQ(x.size(), 1u);
  EXPECT_EQ(x[0].shape(), (Shape{2, 3, 320, 320}));
  EXPECT_EQ(x[0], w.make_inputs(g, 7)[0]);
  EXPECT_FALSE(x[0] == w.make_inputs(g, 8)[0]);
  const auto v = x[0].data<float>();
  const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  EXPECT_GE(*lo, -1.0f);
  EXPECT_LE(*hi, 1.0f);
  EXPECT_LT(*lo, -0.5f);  // a real spread of values, not a constant
  EXPECT_GT(*hi, 0.5f);
  // The two images of the batch differ (each has its own stream).
  const std::size_t half = v.size() / 2;
  EXPECT_FALSE(std::equal(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(half), v.begin() + static_cast<std::ptrdiff_t>(half)));
  EXPECT_EQ(checksum(x[0]), 1372164499289792106u) << "update the pinned checksum if the image recipe changed on purpose";
}

// One full reference run of the smallest detector (≈0.44 G MACs): every activation stays
// finite and moderate, and post-processing yields a sane set of detections.
TEST(MobileDetWorkloads, ReferenceRunIsFiniteAndPostProcesses) {
  const Workload& w = workload("mobiledet-cpu");
  const Graph g = w.build({});
  const Weights weights = w.make_weights(g, 1);
  const auto inputs = w.make_inputs(g, 1);
  const auto all = run_reference_all(g, weights, inputs);

  float worst = 0;
  std::string worst_name;
  for (const Node& n : g.nodes) {
    for (float v : all.at(n.name).data<float>()) {
      ASSERT_TRUE(std::isfinite(v)) << n.name;
      if (std::abs(v) > worst) worst = std::abs(v), worst_name = n.name;
    }
  }
  std::printf("largest |activation| %.3f at %s\n", worst, worst_name.c_str());
  EXPECT_LT(worst, 100.0f) << worst_name;

  const std::vector<Tensor> outputs{all.at("box_encodings"), all.at("class_logits")};
  const auto j = w.describe_outputs(g, weights, inputs, outputs);
  std::printf("%s\n", j.dump().c_str());
  const int n = j.at("detections");
  EXPECT_GT(n, 0);
  EXPECT_LE(n, 100);
  const auto& top = j.at("top");
  ASSERT_EQ(top.size(), static_cast<std::size_t>(std::min(n, 10)));
  double previous = 2;
  for (const auto& d : top) {
    const int cls = d.at("class");
    EXPECT_GE(cls, 1);
    EXPECT_LE(cls, kNumClasses);
    const double score = d.at("score");
    EXPECT_GT(score, 1e-8);
    EXPECT_LE(score, previous);
    previous = score;
    const auto box = d.at("box").get<std::vector<float>>();
    ASSERT_EQ(box.size(), 4u);
    for (float c : box) EXPECT_TRUE(c >= 0 && c <= 1);
    EXPECT_LT(box[0], box[2]);
    EXPECT_LT(box[1], box[3]);
  }

  // Folding batch norm (what every backend compiles) leaves the outputs where they were.
  const FoldedModel folded = fold_batch_norm(g, weights);
  const auto refolded = run_reference_all(folded.graph, folded.weights, inputs);
  for (const char* out : {"box_encodings", "class_logits"}) {
    const auto x = all.at(out).data<float>(), y = refolded.at(out).data<float>();
    ASSERT_EQ(x.size(), y.size());
    double err = 0;
    for (std::size_t i = 0; i < x.size(); ++i) err = std::max(err, static_cast<double>(std::abs(x[i] - y[i])));
    EXPECT_LT(err, 1e-3) << out;
  }
}

}  // namespace
}  // namespace eb::mobiledet
