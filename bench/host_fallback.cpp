#include "bench/host_fallback.h"

#include <exception>
#include <mutex>
#include <string>
#include <utility>

#include "core/partition.h"

namespace eb::bench {
namespace {

// A host partition's executable, with the name of the backend that compiled it in its
// facts. It reports no device time and no power model of its own: its wall time is the
// host's share of the partitioned run (core/partition.cpp), which is what it is.
class HostStageExecutable final : public Executable {
 public:
  HostStageExecutable(std::unique_ptr<Executable> inner, std::string backend)
      : inner_(std::move(inner)), backend_(std::move(backend)) {}
  std::vector<Tensor> run(std::span<const Tensor> inputs) override { return inner_->run(inputs); }
  void enable_profiling(bool on) override { inner_->enable_profiling(on); }
  std::vector<NodeProfile> last_profile() const override { return inner_->last_profile(); }
  std::map<std::string, std::string> info() const override {
    auto m = inner_->info();
    m[kHostBackendInfoKey] = backend_;
    return m;
  }

 private:
  std::unique_ptr<Executable> inner_;
  std::string backend_;
};

class HostFallback final : public Backend {
 public:
  HostFallback(const Backend* cpu, const Backend& reference) : cpu_(cpu), reference_(reference) {}
  std::string_view name() const override { return reference_.name(); }
  std::string_view description() const override { return "fallback partitions on the host: cpu (oneDNN) at fp32, else the reference"; }
  Probe probe() const override { return reference_.probe(); }
  std::string unsupported_reason(const Graph& graph, const Node& node, const CompileOptions& options) const override {
    return reference_.unsupported_reason(graph, node, options);
  }

  std::unique_ptr<Executable> compile(const Graph& graph, const Weights& weights, const CompileOptions& options) const override {
    if (auto exe = try_cpu(graph, weights, options)) return exe;
    return std::make_unique<HostStageExecutable>(reference_.compile(graph, weights, options), std::string(reference_.name()));
  }

 private:
  // The cpu backend's executable for the whole graph at fp32, or null when it cannot take it.
  std::unique_ptr<Executable> try_cpu(const Graph& graph, const Weights& weights, const CompileOptions& options) const {
    if (!cpu_ || (options.precision != Precision::fp32 && options.precision != Precision::fixed)) return nullptr;
    std::call_once(cpu_probed_, [this] { cpu_available_ = cpu_->probe().available; });  // once, not per partition
    if (!cpu_available_) return nullptr;
    CompileOptions fp32;
    fp32.precision = Precision::fp32;
    fp32.threads = options.threads;
    for (const auto& [key, value] : options.extra)  // the cpu backend's own settings only
      if (key.starts_with("cpu.")) fp32.extra.emplace(key, value);
    const Capability cap = cpu_->claim(graph, fp32);
    for (std::size_t i = 0; i < graph.nodes.size(); ++i)
      if (!cap.claimed(i)) return nullptr;
    try {
      return std::make_unique<HostStageExecutable>(cpu_->compile(graph, weights, fp32), std::string(cpu_->name()));
    } catch (const std::exception&) {
      return nullptr;  // e.g. a primitive oneDNN has no implementation for here: the reference runs it
    }
  }

  const Backend* cpu_;
  const Backend& reference_;
  mutable std::once_flag cpu_probed_;
  mutable bool cpu_available_ = false;
};

}  // namespace

std::shared_ptr<const Backend> make_host_fallback(const BackendRegistry& backends) {
  // The cpu backend is probed only when a fallback partition is compiled: probing starts
  // its thread pool, which a run without fallback partitions should not pay for (nor
  // meet its failures: the OpenMP runtime's start-up writes a shared-memory file).
  return std::make_shared<HostFallback>(backends.find("cpu"), backends.reference());
}

}  // namespace eb::bench
