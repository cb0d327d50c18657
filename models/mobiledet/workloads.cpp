#include <algorithm>
#include <stdexcept>
#include <string>

#include "core/seeded_init.h"
#include "models/mobiledet/mobiledet.h"
#include "models/mobiledet/synthetic_image.h"

namespace eb::mobiledet {
namespace {

struct VariantInfo {
  Variant variant;
  const char* name;
  const char* description;
};

constexpr VariantInfo kInfo[] = {
    {Variant::cpu, "mobiledet-cpu", "SSDLite MobileDet-CPU detector, 320x320, 91 COCO class slots (0.45 B MAdds, 4.21 M params)"},
    {Variant::edgetpu, "mobiledet-edgetpu",
     "SSDLite MobileDet-EdgeTPU detector, 320x320, 91 COCO class slots (1.53 B MAdds, 4.20 M params)"},
    {Variant::dsp, "mobiledet-dsp", "SSDLite MobileDet-DSP detector, 320x320, 91 COCO class slots (2.82 B MAdds, 7.16 M params)"},
    {Variant::gpu, "mobiledet-gpu", "SSDLite MobileDet-GPU detector, 320x320, 91 COCO class slots (5.07 B MAdds, 13.11 M params)"},
};

class MobileDetWorkload final : public Workload {
 public:
  explicit MobileDetWorkload(const VariantInfo& info) : info_(info) {}

  std::string_view name() const override { return info_.name; }
  std::string_view description() const override { return info_.description; }

  Graph build(const WorkloadOptions& options) const override {
    if (!options.task.empty())
      throw std::invalid_argument(std::string(info_.name) + " has no task '" + options.task + "' (it only detects)");
    return build_ssdlite(info_.variant, options.batch);
  }

  // The graph carries the recipe of every weight (net_builder.h: He-style convolutions,
  // near-identity batch norm with jitter, class bias −4.6), so seeded init is all it takes.
  Weights make_weights(const Graph& graph, std::uint64_t seed) const override { return init_weights(graph, seed); }

  std::vector<Tensor> make_inputs(const Graph& graph, std::uint64_t seed) const override {
    const Shape& s = graph.info(std::string(kImageInput)).shape;
    std::vector<Tensor> inputs;
    inputs.push_back(synthetic_image(s[0], s[2], s[3], seed));
    return inputs;
  }

  nlohmann::json describe_outputs(const Graph& graph, const Weights&, std::span<const Tensor>,
                                  std::span<const Tensor> outputs) const override {
    return describe_ssd_outputs(graph, outputs, info_.name);
  }

  bool has_host_postprocess() const override { return true; }
  void host_postprocess(const Graph& graph, std::span<const Tensor> outputs) const override {
    (void)ssd_postprocess(graph, outputs, info_.name, true);
  }

 private:
  VariantInfo info_;
};

}  // namespace

std::vector<Detections> ssd_postprocess(const Graph& graph, std::span<const Tensor> outputs, std::string_view workload,
                                        bool deployment) {
  const auto output = [&](std::string_view name) -> const Tensor& {
    const auto it = std::find(graph.outputs.begin(), graph.outputs.end(), name);
    if (it == graph.outputs.end() || outputs.size() != graph.outputs.size())
      throw std::invalid_argument(std::string(workload) + ": outputs do not match the graph's (no '" + std::string(name) + "')");
    return outputs[static_cast<std::size_t>(it - graph.outputs.begin())];
  };
  const auto anchors = ssdlite_anchors(graph);
  if (deployment) return postprocess_fast(output(kBoxEncodings), output(kClassLogits), anchors);
  return postprocess(output(kBoxEncodings), output(kClassLogits), anchors);
}

nlohmann::json describe_ssd_outputs(const Graph& graph, std::span<const Tensor> outputs, std::string_view workload) {
  const auto detections = ssd_postprocess(graph, outputs, workload);
  nlohmann::json j = describe_detections(detections.front());
  if (detections.size() > 1) {
    j["detections_per_image"] = nlohmann::json::array();
    for (const auto& d : detections) j["detections_per_image"].push_back(d.size());
  }
  return j;
}

nlohmann::json describe_detections(const Detections& d, std::size_t top) {
  nlohmann::json list = nlohmann::json::array();
  for (std::size_t i = 0; i < std::min(top, d.size()); ++i) {
    const Box& b = d.boxes[i];
    list.push_back({{"class", d.classes[i]}, {"score", d.scores[i]}, {"box", {b.ymin, b.xmin, b.ymax, b.xmax}}});
  }
  return {{"detections", d.size()}, {"top", std::move(list)}};
}

std::vector<std::unique_ptr<Workload>> make_workloads() {
  std::vector<std::unique_ptr<Workload>> out;
  for (const auto& info : kInfo) out.push_back(std::make_unique<MobileDetWorkload>(info));
  return out;
}

}  // namespace eb::mobiledet
