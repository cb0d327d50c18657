// The accuracy part of `edgebench run` (bench/accuracy/run_accuracy.h): what each model's
// outputs mean, the checks made before anything slow, fidelity on known outputs, and
// data-set metrics through a stand-in executable whose answers are known, so that the
// expected figures can be computed by hand from the data set's own maps.
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "bench/accuracy/model_outputs.h"
#include "bench/accuracy/run_accuracy.h"
#include "bench/accuracy/segmentation_metrics.h"
#include "bench/datasets/dense_dataset.h"
#include "bench/datasets/file_bytes.h"
#include "bench/datasets/preprocess.h"
#include "bench/datasets/synthetic_coco.h"
#include "bench/datasets/synthetic_dense.h"
#include "core/registry.h"
#include "models/workload.h"
#include "tests/support/temp_dir.h"

namespace eb::bench {
namespace {

const WorkloadRegistry& workloads() {
  static const WorkloadRegistry r = make_workload_registry();
  return r;
}

Graph build(const std::string& model, const std::string& task = "", int batch = 1) {
  return workloads().get(model).build(WorkloadOptions{task, batch});
}

// Message of the std::invalid_argument `f` throws ("" if none).
template <class F>
std::string invalid_argument_of(F f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

Tensor random_tensor(const Shape& shape, std::uint32_t seed, float scale = 1) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0, scale);
  std::vector<float> v(static_cast<std::size_t>(numel(shape)));
  for (float& x : v) x = dist(rng);
  return Tensor::from_f32(shape, v);
}

// Answers every query with fixed outputs, remembering what it was given.
class FixedExecutable final : public Executable {
 public:
  explicit FixedExecutable(std::vector<Tensor> outputs) : outputs_(std::move(outputs)) {}
  std::vector<Tensor> run(std::span<const Tensor> inputs) override {
    queries.emplace_back(inputs.begin(), inputs.end());
    return outputs_;
  }
  std::vector<std::vector<Tensor>> queries;

 private:
  std::vector<Tensor> outputs_;
};

// [B, C, H, W] logits whose arg-max is `cls` everywhere.
Tensor constant_class_logits(const Shape& shape, int cls) {
  Tensor t(DType::f32, shape);
  auto v = t.data<float>();
  const std::int64_t C = shape[1], HW = shape[2] * shape[3];
  for (std::int64_t b = 0; b < shape[0]; ++b)
    for (std::int64_t c = 0; c < C; ++c)
      for (std::int64_t i = 0; i < HW; ++i) v[static_cast<std::size_t>((b * C + c) * HW + i)] = c == cls ? 3.0f : -1.0f;
  return t;
}

TEST(ModelOutputs, EachModelOfThisBuild) {
  const ModelOutputs det = model_outputs("mobiledet-cpu", build("mobiledet-cpu"));
  EXPECT_EQ(det.kind, OutputKind::detection);
  EXPECT_EQ(det.class_logits, "class_logits");
  EXPECT_EQ(det.class_axis, -1);
  const Graph seg_graph = build("m3vit", "seg");
  const ModelOutputs seg = model_outputs("m3vit", seg_graph);
  EXPECT_EQ(seg.kind, OutputKind::segmentation);
  EXPECT_EQ(seg.dense, seg_graph.outputs.front());
  EXPECT_EQ(seg.class_logits, seg.dense);
  const ModelOutputs depth = model_outputs("m3vit", build("m3vit", "depth"));
  EXPECT_EQ(depth.kind, OutputKind::depth);
  EXPECT_TRUE(depth.class_logits.empty());
  EXPECT_EQ(model_outputs("m3vit-backbone", build("m3vit-backbone")).kind, OutputKind::features);
  EXPECT_NE(invalid_argument_of([&] { model_outputs("resnet", seg_graph); }).find("model 'resnet'"), std::string::npos);
}

TEST(ModelOutputs, BatchItem) {
  const Tensor t = Tensor::from_f32({3, 2}, {1, 2, 3, 4, 5, 6});
  const Tensor b1 = batch_item(t, 1);
  EXPECT_EQ(b1.shape(), (Shape{1, 2}));
  EXPECT_EQ(b1.data<float>()[0], 3);
  EXPECT_EQ(b1.data<float>()[1], 4);
  EXPECT_THROW(batch_item(t, 3), std::invalid_argument);
}

TEST(FidelityToReference, SegmentationHasArgmaxAgreement) {
  const Graph g = build("m3vit", "seg");
  const Shape& s = g.info(g.outputs.front()).shape;
  const std::vector<Tensor> ref = {random_tensor(s, 1)};
  std::vector<Tensor> act = {ref[0]};
  const nlohmann::json same = fidelity_to_reference("m3vit", g, ref, act);
  EXPECT_EQ(same["max_abs"].get<double>(), 0.0);
  EXPECT_EQ(same["min_argmax_agreement"].get<double>(), 1.0);
  // Channels 0 and 1 swapped: exactly the pixels whose class was 0 or 1 change class.
  auto v = act[0].data<float>();
  const std::size_t plane = static_cast<std::size_t>(s[2] * s[3]);
  for (std::size_t i = 0; i < plane; ++i) std::swap(v[i], v[plane + i]);
  const auto r_cls = argmax_classes(ref[0]);
  std::size_t changed = 0;
  for (std::int32_t c : r_cls) changed += c == 0 || c == 1 ? 1 : 0;
  const nlohmann::json swapped = fidelity_to_reference("m3vit", g, ref, act);
  const std::string out = g.outputs.front();
  EXPECT_DOUBLE_EQ(swapped["outputs"][out]["argmax_agreement"].get<double>(),
                   1.0 - static_cast<double>(changed) / static_cast<double>(plane));
  EXPECT_FALSE(swapped.contains("detections"));
}

TEST(FidelityToReference, DetectorComparesDecodedDetections) {
  const Graph g = build("mobiledet-cpu");
  std::vector<Tensor> ref;
  for (const auto& name : g.outputs) ref.push_back(random_tensor(g.info(name).shape, 7, name == "class_logits" ? 2.0f : 0.5f));
  const nlohmann::json same = fidelity_to_reference("mobiledet-cpu", g, ref, ref);
  ASSERT_TRUE(same.contains("detections"));
  EXPECT_GT(same["detections"]["reference_detections"].get<int>(), 0);
  EXPECT_DOUBLE_EQ(same["detections"]["reference_as_ground_truth"]["AP"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(same["min_argmax_agreement"].get<double>(), 1.0);

  // Box codes moved (centres by 0.3 anchor sizes, sizes ×1.8): the same classes and
  // scores, boxes elsewhere, so AP falls.
  std::vector<Tensor> moved = ref;
  const std::size_t boxes_index = g.outputs[0] == "box_encodings" ? 0 : 1;
  for (float& x : moved[boxes_index].data<float>()) x += 3.0f;
  const nlohmann::json m = fidelity_to_reference("mobiledet-cpu", g, ref, moved);
  EXPECT_LT(m["detections"]["reference_as_ground_truth"]["AP"].get<double>(), 0.9);
  EXPECT_DOUBLE_EQ(m["min_argmax_agreement"].get<double>(), 1.0);  // class logits untouched
}

class AccuracySpecCheck : public ::testing::Test {
 protected:
  test::TempDir dir;
  std::filesystem::path coco_dir() {
    CocoDatasetOptions o;
    o.annotations.images = 2;
    write_coco_dataset(dir / "coco", o);
    return dir / "coco";
  }
  std::filesystem::path dense_dir(bool labels, bool depth) {
    DenseDatasetOptions o;
    o.images = 2, o.labels = labels, o.depth = depth;
    const auto p = dir / ("dense" + std::to_string(labels) + std::to_string(depth));
    write_dense_dataset(p, o);
    return p;
  }
};

TEST_F(AccuracySpecCheck, AcceptsFittingDataSets) {
  AccuracySpec spec;
  EXPECT_NO_THROW(check_accuracy_spec(spec, "m3vit-backbone", build("m3vit-backbone")));  // no data set: nothing to fit
  spec.dataset = coco_dir();
  spec.limit = 1;
  EXPECT_NO_THROW(check_accuracy_spec(spec, "mobiledet-cpu", build("mobiledet-cpu")));
  spec.dataset = dense_dir(true, true);
  EXPECT_NO_THROW(check_accuracy_spec(spec, "m3vit", build("m3vit", "seg")));
  EXPECT_NO_THROW(check_accuracy_spec(spec, "m3vit", build("m3vit", "depth")));
}

TEST_F(AccuracySpecCheck, RefusesWhatCannotWork) {
  AccuracySpec spec;
  spec.limit = 3;
  EXPECT_EQ(invalid_argument_of([&] { check_accuracy_spec(spec, "m3vit", build("m3vit")); }), "--limit needs --dataset");
  spec.dataset = dense_dir(true, false);
  spec.limit = 0;
  EXPECT_EQ(invalid_argument_of([&] { check_accuracy_spec(spec, "m3vit", build("m3vit")); }), "--limit must be at least 1");
  spec.limit.reset();
  EXPECT_NE(invalid_argument_of([&] { check_accuracy_spec(spec, "mobiledet-cpu", build("mobiledet-cpu")); }).find("needs a COCO-style data set"),
            std::string::npos);
  EXPECT_NE(invalid_argument_of([&] { check_accuracy_spec(spec, "m3vit", build("m3vit", "depth")); }).find("has no depth maps"),
            std::string::npos);
  EXPECT_NE(invalid_argument_of([&] { check_accuracy_spec(spec, "m3vit-backbone", build("m3vit-backbone")); }).find("features only"),
            std::string::npos);
  spec.dataset = dense_dir(false, true);
  EXPECT_NE(invalid_argument_of([&] { check_accuracy_spec(spec, "m3vit", build("m3vit", "seg")); }).find("has no label maps"), std::string::npos);
  spec.dataset = coco_dir();
  EXPECT_NE(invalid_argument_of([&] { check_accuracy_spec(spec, "m3vit", build("m3vit", "seg")); }).find("needs a dense data set"),
            std::string::npos);
  spec.dataset = dir / "nowhere";
  EXPECT_NE(invalid_argument_of([&] { check_accuracy_spec(spec, "m3vit", build("m3vit")); }).find("nowhere"), std::string::npos);
}

TEST_F(AccuracySpecCheck, MalformedAnnotationsNameFileEntryAndProblem) {
  const auto root = coco_dir();
  const auto file = root / "annotations.json";
  nlohmann::json doc = nlohmann::json::parse(read_file_text(file));
  doc["annotations"][0]["bbox"][2] = -4;
  write_file_text(file, doc.dump());
  AccuracySpec spec;
  spec.dataset = root;
  const std::string e = invalid_argument_of([&] { check_accuracy_spec(spec, "mobiledet-cpu", build("mobiledet-cpu")); });
  EXPECT_NE(e.find(file.string()), std::string::npos) << e;
  EXPECT_NE(e.find("annotations[0]"), std::string::npos) << e;
  EXPECT_NE(e.find("negative width (-4)"), std::string::npos) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos) << "one line: " << e;

  write_file_text(file, "{\"images\": [");
  const std::string bad_json = invalid_argument_of([&] { check_accuracy_spec(spec, "mobiledet-cpu", build("mobiledet-cpu")); });
  EXPECT_NE(bad_json.find(file.string() + ": invalid JSON"), std::string::npos) << bad_json;
}

// Segmentation over a 3-image set with batch 2 (so the last batch is padded): a model that
// answers class K everywhere has pixel accuracy n_K / N and IoU_K = n_K / N, IoU 0 for every
// other class in the labels, and mIoU the mean over the classes in the labels (and K).
TEST(EvaluateDataset, SegmentationAgainstHandCountedLabels) {
  test::TempDir dir;
  DenseDatasetOptions o;
  o.images = 3, o.width = 64, o.height = 32, o.depth = false;
  write_dense_dataset(dir / "set", o);
  const Graph g = build("m3vit", "seg", 2);
  constexpr int K = 0;
  FixedExecutable exe({constant_class_logits(g.info(g.outputs.front()).shape, K)});
  AccuracySpec spec;
  spec.dataset = dir / "set";
  const nlohmann::json j = evaluate_dataset(spec, "m3vit", g, exe);

  const DenseDataset ds = DenseDataset::open(dir / "set");
  std::uint64_t labelled = 0, of_k = 0;
  std::set<int> classes = {K};
  for (std::size_t i = 0; i < ds.size(); ++i) {
    const LoadedDenseSample sample = ds.load(i);  // held: a range-for over a temporary's member would dangle
    for (std::uint16_t l : sample.label->values) {
      if (l == o.ignore_index) continue;
      ++labelled;
      of_k += l == K ? 1 : 0;
      classes.insert(l);
    }
  }
  ASSERT_GT(labelled, 0u);
  ASSERT_GT(classes.size(), 1u) << "the synthetic set should hold more than one class";
  const double share = static_cast<double>(of_k) / static_cast<double>(labelled);
  EXPECT_EQ(j["metric"], "miou");
  EXPECT_EQ(j["samples"]["segmentation"].get<int>(), 3);
  EXPECT_EQ(j["segmentation"]["labelled_pixels"].get<std::uint64_t>(), labelled);
  EXPECT_NEAR(j["segmentation"]["pixel_accuracy"].get<double>(), share, 1e-12);
  EXPECT_NEAR(j["segmentation"]["miou"].get<double>(), share / static_cast<double>(classes.size()), 1e-12);
  EXPECT_EQ(j["kind"], "dense");
  EXPECT_EQ(j["preprocessing"]["width"].get<int>(), 256);

  // Two queries (2 + 1 padded); the first carries images 0 and 1 as the preprocessing makes them.
  ASSERT_EQ(exe.queries.size(), 2u);
  const PreprocessSpec pre = preprocess_spec_for("m3vit", g.info(g.inputs.front()).shape);
  const Tensor first = preprocess(ds.load(0).image, pre).tensor, second = preprocess(ds.load(1).image, pre).tensor;
  const Tensor third = preprocess(ds.load(2).image, pre).tensor;
  EXPECT_EQ(batch_item(exe.queries[0][0], 0), first);
  EXPECT_EQ(batch_item(exe.queries[0][0], 1), second);
  EXPECT_EQ(batch_item(exe.queries[1][0], 0), third);
  EXPECT_EQ(batch_item(exe.queries[1][0], 1), third);  // padding

  spec.limit = 1;
  FixedExecutable one({constant_class_logits(g.info(g.outputs.front()).shape, K)});
  EXPECT_EQ(evaluate_dataset(spec, "m3vit", g, one)["samples"]["segmentation"].get<int>(), 1);
  EXPECT_EQ(one.queries.size(), 1u);
}

// Depth: a model that answers 2 m everywhere, against every valid pixel of the maps.
TEST(EvaluateDataset, DepthAgainstHandComputedErrors) {
  test::TempDir dir;
  DenseDatasetOptions o;
  o.images = 2, o.width = 48, o.height = 24, o.labels = false, o.depth_format = DepthFormat::npy;
  write_dense_dataset(dir / "set", o);
  const Graph g = build("m3vit", "depth");
  Tensor two(DType::f32, g.info(g.outputs.front()).shape);
  for (float& x : two.data<float>()) x = 2.0f;
  FixedExecutable exe({two});
  AccuracySpec spec;
  spec.dataset = dir / "set";
  const nlohmann::json j = evaluate_dataset(spec, "m3vit", g, exe);

  const DenseDataset ds = DenseDataset::open(dir / "set");
  double se = 0, rel = 0, within = 0, n = 0;
  for (std::size_t i = 0; i < ds.size(); ++i) {
    const LoadedDenseSample sample = ds.load(i);
    for (float d : sample.depth->metres) {
      if (!(d > 0) || !std::isfinite(d)) continue;
      const double g_m = d;
      se += (2 - g_m) * (2 - g_m);
      rel += std::abs(2 - g_m) / g_m;
      within += std::max(2 / g_m, g_m / 2) < 1.25 ? 1 : 0;
      ++n;
    }
  }
  ASSERT_GT(n, 0);
  EXPECT_EQ(j["metric"], "depth");
  EXPECT_NEAR(j["depth"]["rmse"].get<double>(), std::sqrt(se / n), 1e-9);
  EXPECT_NEAR(j["depth"]["abs_rel"].get<double>(), rel / n, 1e-9);
  EXPECT_NEAR(j["depth"]["delta1"].get<double>(), within / n, 1e-12);
}

TEST(EvaluateAccuracy, SkipsTheReferenceRunWhenTheBackendIsTheReference) {
  const BackendRegistry backends = make_backend_registry();
  const Graph g = build("m3vit-backbone");
  const Weights w;
  FixedExecutable exe({});
  const std::vector<Tensor> inputs, outputs = {random_tensor(g.info(g.outputs.front()).shape, 3)};
  AccuracySpec spec;
  const AccuracyRun run{spec, "m3vit-backbone", g, g, w, inputs, 5, outputs, exe, backends.reference(), Precision::fp32,
                        backends.reference()};
  const nlohmann::json j = evaluate_accuracy(run);
  EXPECT_NE(j["fidelity"]["skipped"].get<std::string>().find("is the reference"), std::string::npos);
  EXPECT_EQ(j["fidelity"]["inputs"]["seed"].get<int>(), 5);
  EXPECT_FALSE(j.contains("dataset"));
  EXPECT_TRUE(exe.queries.empty());

  AccuracySpec off;
  off.fidelity = false;
  const AccuracyRun quiet{off, "m3vit-backbone", g, g, w, inputs, 5, outputs, exe, backends.reference(), Precision::fp32,
                          backends.reference()};
  EXPECT_EQ(evaluate_accuracy(quiet)["fidelity"]["skipped"], "turned off (--no-fidelity)");
  AccuracyRun cut = quiet;
  cut.interrupted = true;
  EXPECT_EQ(evaluate_accuracy(cut)["fidelity"]["skipped"], "the run was interrupted");
}

}  // namespace
}  // namespace eb::bench
