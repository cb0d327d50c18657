// The two M³ViT workloads: the backbone alone (what Edge-MoE accelerates) and the backbone
// with one task's dense head.
#include <string>

#include "models/m3vit/expert_load.h"
#include "models/m3vit/init.h"
#include "models/m3vit/input.h"
#include "models/m3vit/m3vit.h"

namespace eb::m3vit {
namespace {

class M3vitWorkload final : public Workload {
 public:
  explicit M3vitWorkload(bool with_head) : with_head_(with_head) {}

  std::string_view name() const override { return with_head_ ? "m3vit" : "m3vit-backbone"; }
  std::string_view description() const override {
    return with_head_ ? "M3ViT multi-task ViT with 16-expert top-2 MoE, 128x256, backbone + one task head "
                        "(seg: 7 classes, depth: 1)"
                      : "M3ViT backbone as Edge-MoE accelerates it: 12 blocks, 6 with 16-expert top-2 MoE, 128x256 "
                        "(0.78 GMAC, 17.98 M params)";
  }
  std::vector<std::string> tasks() const override {
    std::vector<std::string> out;
    for (const Task& t : kTasks) out.emplace_back(t.name);
    return out;
  }

  Graph build(const WorkloadOptions& options) const override {
    return with_head_ ? build_model(options.task, options.batch) : build_backbone(options.task, options.batch);
  }

  Weights make_weights(const Graph& graph, std::uint64_t seed) const override { return seeded_weights(graph, seed); }

  std::vector<Tensor> make_inputs(const Graph& graph, std::uint64_t seed) const override {
    std::vector<Tensor> inputs;
    inputs.push_back(synthetic_image(graph.info(std::string(kImageInput)).shape.at(0), seed));
    return inputs;
  }

  // The expert load of the run's input (the backbone is re-run on the reference backend,
  // so the figures do not depend on the backend that produced `outputs`).
  nlohmann::json describe_outputs(const Graph& graph, const Weights& weights, std::span<const Tensor> inputs,
                                  std::span<const Tensor>) const override {
    const auto load = expert_load(graph, weights, inputs);
    return {{"task", std::string(routed_task(graph).name)}, {"expert_load", to_json(load)}};
  }

 private:
  bool with_head_;
};

}  // namespace

std::vector<std::unique_ptr<Workload>> make_workloads() {
  std::vector<std::unique_ptr<Workload>> out;
  out.push_back(std::make_unique<M3vitWorkload>(false));
  out.push_back(std::make_unique<M3vitWorkload>(true));
  return out;
}

}  // namespace eb::m3vit
