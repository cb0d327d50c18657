#include "bench/accuracy/fidelity.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>

#include "bench/accuracy/segmentation_metrics.h"

namespace eb::bench {
namespace {

Tensor as_f32(const Tensor& t) { return t.dtype() == DType::f32 ? t : t.to(DType::f32); }

nlohmann::json number_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

}  // namespace

TensorFidelity compare_tensors(const Tensor& reference, const Tensor& actual) {
  if (reference.shape() != actual.shape())
    throw std::invalid_argument("fidelity: output shapes differ: reference " + to_string(reference.shape()) + ", backend " +
                                to_string(actual.shape()));
  const Tensor r32 = as_f32(reference), a32 = as_f32(actual);
  const auto r = r32.data<float>(), a = a32.data<float>();
  double diff2 = 0, ref2 = 0, act2 = 0, dot = 0, max_abs = 0, max_ref = 0;
  bool nan_seen = false;
  TensorFidelity f;
  f.elements = r.size();
  for (std::size_t i = 0; i < r.size(); ++i) {
    const double x = a[i], y = r[i], d = x - y;
    if (!std::isfinite(x)) ++f.non_finite;
    diff2 += d * d;
    ref2 += y * y;
    act2 += x * x;
    dot += x * y;
    max_ref = std::max(max_ref, std::abs(y));
    // std::max would drop a NaN difference; it must show, whatever comes after it.
    if (std::isnan(d)) nan_seen = true;
    else max_abs = std::max(max_abs, std::abs(d));
  }
  f.max_abs = nan_seen ? std::nan("") : max_abs;
  if (nan_seen) f.max_relative = std::nan("");
  else if (max_ref == 0) f.max_relative = max_abs == 0 ? 0.0 : std::numeric_limits<double>::infinity();
  else f.max_relative = max_abs / max_ref;
  f.rmse = r.empty() ? 0.0 : std::sqrt(diff2 / static_cast<double>(r.size()));
  if (ref2 == 0) f.relative_l2 = diff2 == 0 ? 0.0 : std::numeric_limits<double>::infinity();
  else f.relative_l2 = std::sqrt(diff2) / std::sqrt(ref2);
  if (ref2 == 0 && act2 == 0) f.cosine = 1;
  else if (ref2 == 0 || act2 == 0) f.cosine = 0;
  else f.cosine = dot / (std::sqrt(ref2) * std::sqrt(act2));
  return f;
}

double argmax_agreement(const Tensor& reference_logits, const Tensor& logits, int channel_axis) {
  if (reference_logits.shape() != logits.shape())
    throw std::invalid_argument("fidelity: class-map shapes differ: reference " + to_string(reference_logits.shape()) + ", backend " +
                                to_string(logits.shape()));
  const auto r = argmax_classes(reference_logits, channel_axis), a = argmax_classes(logits, channel_axis);
  if (r.empty()) return 1.0;
  std::size_t same = 0;
  for (std::size_t i = 0; i < r.size(); ++i) same += r[i] == a[i] ? 1 : 0;
  return static_cast<double>(same) / static_cast<double>(r.size());
}

DetectionAgreement detection_agreement(std::span<const CocoDetection> reference, std::span<const CocoDetection> actual,
                                       double reference_min_score) {
  CocoGroundTruth gt;
  gt.source = "reference detections";
  std::set<std::int64_t> images, categories;
  for (const CocoDetection& d : reference) images.insert(d.image_id);
  for (const CocoDetection& d : actual) images.insert(d.image_id);
  for (std::int64_t id : images) gt.images.push_back({id, "", 0, 0});
  std::int64_t next_id = 1;
  for (const CocoDetection& d : reference) {
    if (!(d.score >= reference_min_score) || !std::isfinite(d.bbox.w * d.bbox.h)) continue;
    categories.insert(d.category_id);
    gt.annotations.push_back({next_id++, d.image_id, d.category_id, d.bbox, d.bbox.w * d.bbox.h, false});
  }
  for (std::int64_t id : categories) gt.categories.push_back({id, std::to_string(id)});

  DetectionAgreement out;
  out.reference_detections = gt.annotations.size();
  std::vector<CocoDetection> kept;
  for (const CocoDetection& d : actual) {
    const bool finite = std::isfinite(d.score) && std::isfinite(d.bbox.x) && std::isfinite(d.bbox.y) && std::isfinite(d.bbox.w) &&
                        std::isfinite(d.bbox.h) && d.bbox.w >= 0 && d.bbox.h >= 0;
    if (finite) kept.push_back(d);
    else ++out.non_finite;
  }
  out.detections = kept.size();
  out.summary = evaluate_coco(gt, kept).summary;
  return out;
}

nlohmann::json fidelity_json(std::span<const std::string> names, std::span<const Tensor> reference, std::span<const Tensor> actual,
                             const FidelityOptions& options) {
  if (names.size() != reference.size() || names.size() != actual.size())
    throw std::invalid_argument("fidelity: " + std::to_string(names.size()) + " names, " + std::to_string(reference.size()) +
                                " reference outputs and " + std::to_string(actual.size()) + " backend outputs");
  nlohmann::json outputs = nlohmann::json::object();
  double worst_rel = 0, worst_abs = 0, worst_max_rel = 0, worst_cos = 1, worst_argmax = 1;
  bool any_class_map = false;
  // NaN is the worst of all: it must not vanish from the summary.
  const auto worse = [](double current, double v, bool higher_is_worse) {
    if (std::isnan(current) || std::isnan(v)) return std::nan("");
    return higher_is_worse ? std::max(current, v) : std::min(current, v);
  };
  for (std::size_t i = 0; i < names.size(); ++i) {
    const TensorFidelity f = compare_tensors(reference[i], actual[i]);
    nlohmann::json j = {{"relative_l2", number_or_null(f.relative_l2)},
                        {"max_abs", number_or_null(f.max_abs)},
                        {"max_relative", number_or_null(f.max_relative)},
                        {"rmse", number_or_null(f.rmse)},
                        {"cosine", number_or_null(f.cosine)},
                        {"elements", f.elements},
                        {"non_finite", f.non_finite}};
    const auto& cm = options.class_map_outputs;
    if (std::find(cm.begin(), cm.end(), names[i]) != cm.end()) {
      const double agreement = argmax_agreement(reference[i], actual[i], options.channel_axis);
      j["argmax_agreement"] = agreement;
      worst_argmax = std::min(worst_argmax, agreement);
      any_class_map = true;
    }
    outputs[names[i]] = std::move(j);
    worst_rel = worse(worst_rel, f.relative_l2, true);
    worst_abs = worse(worst_abs, f.max_abs, true);
    worst_max_rel = worse(worst_max_rel, f.max_relative, true);
    worst_cos = worse(worst_cos, f.cosine, false);
  }
  nlohmann::json j = {{"outputs", std::move(outputs)},
                      {"max_relative_l2", number_or_null(worst_rel)},
                      {"max_abs", number_or_null(worst_abs)},
                      {"max_relative", number_or_null(worst_max_rel)},
                      {"min_cosine", number_or_null(worst_cos)}};
  if (any_class_map) j["min_argmax_agreement"] = worst_argmax;
  return j;
}

nlohmann::json to_json(const DetectionAgreement& a) {
  return {{"reference_as_ground_truth", summary_json(a.summary)},
          {"reference_detections", a.reference_detections},
          {"detections", a.detections},
          {"non_finite", a.non_finite}};
}

}  // namespace eb::bench
