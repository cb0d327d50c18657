#include "bench/host_share.h"

#include <chrono>

namespace eb::bench {
namespace {

constexpr const char* kWhat = "post-processing (box decoding + NMS)";

class HostPostprocessExecutable final : public Executable {
 public:
  HostPostprocessExecutable(std::unique_ptr<Executable> inner, const Workload& workload, const Graph& graph)
      : inner_(std::move(inner)), workload_(workload), graph_(graph) {
    if (const auto m = inner_->power_model()) idle_watts_ = m->idle_watts;
  }

  std::vector<Tensor> run(std::span<const Tensor> inputs) override {
    auto out = inner_->run(inputs);
    device_time_ = inner_->last_device_time();
    // Every backend's run includes the post-processing, so a detector's latency means the
    // same on all of them (host wall time and device time alike).
    const auto t0 = std::chrono::steady_clock::now();
    workload_.host_postprocess(graph_, out);
    const auto t1 = std::chrono::steady_clock::now();
    post_ns_ = static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count());
    if (device_time_) {
      inner_ns_ = device_time_->ns;
      device_time_->ns += post_ns_;
      device_time_->host_ns += post_ns_;
      device_time_->host_what = device_time_->host_what.empty() ? kWhat : device_time_->host_what + " and " + kWhat;
    }
    return out;
  }

  std::optional<DeviceTime> last_device_time() const override { return device_time_; }
  std::optional<PowerModelInfo> power_model() const override { return inner_->power_model(); }
  std::optional<double> last_modeled_watts() const override {
    const auto w = inner_->last_modeled_watts();
    if (!w || !device_time_ || device_time_->ns <= 0) return w;
    return (*w * inner_ns_ + idle_watts_ * post_ns_) / device_time_->ns;
  }
  void enable_profiling(bool on) override {
    profiling_ = on;
    inner_->enable_profiling(on);
  }
  std::vector<NodeProfile> last_profile() const override {
    auto p = inner_->last_profile();
    if (profiling_) p.push_back({"postprocess", std::string("host:") + kWhat, post_ns_, Provenance::measured("steady_clock")});
    return p;
  }
  std::map<std::string, std::string> info() const override {
    auto m = inner_->info();
    m["host_share"] = std::string(kWhat) +
                      " run on this host after each run: part of its wall time, and added to its device time when it has one (measured)";
    return m;
  }

 private:
  std::unique_ptr<Executable> inner_;
  const Workload& workload_;
  const Graph& graph_;
  double idle_watts_ = 0;
  bool profiling_ = false;
  std::optional<DeviceTime> device_time_;
  double inner_ns_ = 0, post_ns_ = 0;
};

}  // namespace

std::unique_ptr<Executable> with_host_postprocess(std::unique_ptr<Executable> executable, const Workload& workload,
                                                  const Graph& graph) {
  if (!workload.has_host_postprocess()) return executable;
  return std::make_unique<HostPostprocessExecutable>(std::move(executable), workload, graph);
}

}  // namespace eb::bench
