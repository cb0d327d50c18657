#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

#include "core/seeded_init.h"
#include "models/mobiledet/mobiledet.h"
#include "models/mobiledet/synthetic_image.h"
#include "models/mobilenet/mobilenet.h"

namespace eb::mobilenet {
namespace {

enum class Kind : std::uint8_t { classifier, detector };

struct Info {
  Version version;
  Kind kind;
  const char* name;
  const char* description;
};

constexpr Info kInfo[] = {
    {Version::v1, Kind::classifier, "mobilenet-v1",
     "MobileNet v1 1.0 ImageNet classifier, 224x224, 1001 class slots (569 M MACs, 4.2 M params)"},
    {Version::v2, Kind::classifier, "mobilenet-v2",
     "MobileNet v2 1.0 ImageNet classifier, 224x224, 1001 class slots (300 M MACs, 3.4 M params)"},
    {Version::v1, Kind::detector, "ssd-mobilenet-v1", "SSD MobileNet v1 detector (TF OD API ssd_mobilenet_v1_coco), 300x300, 91 COCO class slots"},
    {Version::v2, Kind::detector, "ssd-mobilenet-v2", "SSD MobileNet v2 detector (TF OD API ssd_mobilenet_v2_coco), 300x300, 91 COCO class slots"},
};

// Top-5 classes of the first image, by softmax probability of the logits (the quantised
// TF classifiers end in a softmax; here it runs on the host).
nlohmann::json describe_classes(const Tensor& logits) {
  const Shape& s = logits.shape();
  if (s.size() != 2 || s[1] != kImageNetClassSlots)
    throw std::invalid_argument("mobilenet: logits must be [B, " + std::to_string(kImageNetClassSlots) + "], got " + to_string(s));
  const auto all = logits.data<float>();
  const auto row = all.subspan(0, static_cast<std::size_t>(s[1]));
  const float top = *std::max_element(row.begin(), row.end());
  double sum = 0;
  for (float v : row) sum += std::exp(static_cast<double>(v - top));
  std::vector<int> order(row.size());
  std::iota(order.begin(), order.end(), 0);
  std::partial_sort(order.begin(), order.begin() + 5, order.end(),
                    [&](int a, int b) { return row[static_cast<std::size_t>(a)] > row[static_cast<std::size_t>(b)]; });
  nlohmann::json list = nlohmann::json::array();
  for (int i = 0; i < 5; ++i) {
    const float v = row[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])];
    list.push_back({{"class", order[static_cast<std::size_t>(i)]}, {"probability", std::exp(static_cast<double>(v - top)) / sum}});
  }
  return {{"top5", std::move(list)}};
}

class MobileNetWorkload final : public Workload {
 public:
  explicit MobileNetWorkload(const Info& info) : info_(info) {}

  std::string_view name() const override { return info_.name; }
  std::string_view description() const override { return info_.description; }

  Graph build(const WorkloadOptions& options) const override {
    if (!options.task.empty())
      throw std::invalid_argument(std::string(info_.name) + " has no task '" + options.task + "'");
    return info_.kind == Kind::classifier ? build_classifier(info_.version, options.batch) : build_ssd(info_.version, options.batch);
  }

  // The graph carries every weight's recipe (mobiledet/net_builder.h), so seeded init is all.
  Weights make_weights(const Graph& graph, std::uint64_t seed) const override { return init_weights(graph, seed); }

  std::vector<Tensor> make_inputs(const Graph& graph, std::uint64_t seed) const override {
    const Shape& s = graph.info(std::string(mobiledet::kImageInput)).shape;
    std::vector<Tensor> inputs;
    inputs.push_back(mobiledet::synthetic_image(s[0], s[2], s[3], seed));
    return inputs;
  }

  nlohmann::json describe_outputs(const Graph& graph, const Weights&, std::span<const Tensor>,
                                  std::span<const Tensor> outputs) const override {
    if (info_.kind == Kind::detector) return mobiledet::describe_ssd_outputs(graph, outputs, info_.name);
    if (outputs.size() != 1) throw std::invalid_argument(std::string(info_.name) + ": expected one output (logits)");
    return describe_classes(outputs.front());
  }

  // Detectors: decoding and NMS on the host (the classifiers' softmax is on the device in
  // Coral's models, so it is not host work).
  bool has_host_postprocess() const override { return info_.kind == Kind::detector; }
  void host_postprocess(const Graph& graph, std::span<const Tensor> outputs) const override {
    if (info_.kind == Kind::detector) (void)mobiledet::ssd_postprocess(graph, outputs, info_.name, true);
  }

 private:
  Info info_;
};

}  // namespace

std::vector<std::unique_ptr<Workload>> make_workloads() {
  std::vector<std::unique_ptr<Workload>> out;
  for (const auto& info : kInfo) out.push_back(std::make_unique<MobileNetWorkload>(info));
  return out;
}

}  // namespace eb::mobilenet
