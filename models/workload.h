// A workload: a named model configuration that builds its graph, its seeded weights and
// its seeded inputs, and can describe its outputs (detections, expert load, ...) for the
// result record. Workloads are listed once in models/workloads.cpp.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/graph.h"
#include "core/weights.h"

namespace eb {

struct WorkloadOptions {
  std::string task;  // for multi-task models (m3vit: "seg" or "depth"); empty: the default task
  int batch = 1;
};

class Workload {
 public:
  virtual ~Workload() = default;
  virtual std::string_view name() const = 0;         // "m3vit-backbone", "mobiledet-cpu", ...
  virtual std::string_view description() const = 0;  // one line for `edgebench list`
  virtual std::vector<std::string> tasks() const { return {}; }  // first is the default
  // Throws std::invalid_argument for an unknown task or a bad batch size.
  virtual Graph build(const WorkloadOptions& options) const = 0;
  // Seeded weights for `graph` (bit-identical for the same seed on any machine).
  virtual Weights make_weights(const Graph& graph, std::uint64_t seed) const = 0;
  // The default seeded inputs, in Graph::inputs order.
  virtual std::vector<Tensor> make_inputs(const Graph& graph, std::uint64_t seed) const = 0;
  // The host work a deployment runs after every inference — for SSD detectors box decoding
  // and NMS, as TFLite_Detection_PostProcess does on the CPU of an Edge TPU system. The
  // harness times it on this host as part of a device's system time (bench/host_share.h).
  virtual bool has_host_postprocess() const { return false; }
  virtual void host_postprocess(const Graph& graph, std::span<const Tensor> outputs) const { (void)graph, (void)outputs; }
  // Workload-specific facts about one run's outputs for the result record (decoded
  // detections, ...). `weights` are the unfolded weights the outputs were computed with.
  virtual nlohmann::json describe_outputs(const Graph& graph, const Weights& weights, std::span<const Tensor> inputs,
                                          std::span<const Tensor> outputs) const {
    (void)graph, (void)weights, (void)inputs, (void)outputs;
    return nlohmann::json::object();
  }
};

class WorkloadRegistry {
 public:
  void add(std::unique_ptr<Workload> w);
  // Throws std::invalid_argument "unknown model 'x' (known: ...)".
  const Workload& get(std::string_view name) const;
  std::vector<const Workload*> all() const;

 private:
  std::vector<std::unique_ptr<Workload>> workloads_;
};

// Every workload of this build, built once at start-up.
WorkloadRegistry make_workload_registry();

}  // namespace eb
