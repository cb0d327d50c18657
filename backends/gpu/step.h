// A step: the work of one node (or one part of a node) as a sequence of launches on the
// executable's stream. Steps are built once at compile time with every address bound;
// enqueue() only launches (no allocation, no synchronisation), so a stretch of steps can
// be captured into a CUDA graph and replayed.
//
// The one exception is a step that must read device data on the host before it can
// launch (the MoE experts need each expert's token count to size their GEMMs): it says so
// with capturable() == false, runs eagerly, and splits the graph around it.
#pragma once

#include <cuda_runtime_api.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace eb::gpu {

class Step {
 public:
  Step(std::string node, std::string op, bool capturable = true)
      : node_(std::move(node)), op_(std::move(op)), capturable_(capturable) {}
  virtual ~Step() = default;
  Step(const Step&) = delete;
  Step& operator=(const Step&) = delete;

  virtual void enqueue(cudaStream_t stream) = 0;
  // How this step ended up computing, when it chose at compile time or during the warm-up
  // run ("cudnn fused bias+relu", "cublasLt", ...); empty when there was no choice.
  virtual std::string describe() const { return {}; }

  const std::string& node() const { return node_; }  // graph node name (profiles)
  const std::string& op() const { return op_; }      // "conv2d", "moe:experts", ...
  bool capturable() const { return capturable_; }

 private:
  std::string node_;
  std::string op_;
  bool capturable_;
};

// A step whose launches are a function (for the kernels of our own, whose parameters are
// plain values and addresses).
class FnStep final : public Step {
 public:
  FnStep(std::string node, std::string op, std::function<void(cudaStream_t)> fn, bool capturable = true)
      : Step(std::move(node), std::move(op), capturable), fn_(std::move(fn)) {}
  void enqueue(cudaStream_t stream) override { fn_(stream); }

 private:
  std::function<void(cudaStream_t)> fn_;
};

using Steps = std::vector<std::unique_ptr<Step>>;

template <class F>
std::unique_ptr<Step> make_step(std::string node, std::string op, F&& fn) {
  return std::make_unique<FnStep>(std::move(node), std::move(op), std::function<void(cudaStream_t)>(std::forward<F>(fn)));
}

}  // namespace eb::gpu
