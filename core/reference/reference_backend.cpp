// The reference backend: runs a graph node by node on the reference kernels.
#include "core/reference/reference_backend.h"

#include <chrono>
#include <fstream>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/reference/kernels.h"

namespace eb {
namespace {

std::string cpu_model() {
  std::ifstream f("/proc/cpuinfo");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("model name", 0) != 0) continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const auto begin = line.find_first_not_of(" \t", colon + 1);
    if (begin != std::string::npos) return line.substr(begin);
  }
  return "unknown CPU";
}

// A compiled graph: the graph itself, its weights as f32, and for each node the tensors
// whose last reader it is (so intermediates are freed as soon as possible).
struct Program {
  Graph graph;
  std::unordered_map<std::string, Tensor> weights;
  std::vector<std::vector<std::string>> release_after;  // per node

  Program(const Graph& g, const Weights& w) : graph(g) {
    for (const auto& spec : graph.weights) {
      const Tensor& t = w.get(spec.name);
      if (t.shape() != spec.shape)
        throw std::invalid_argument("reference: weight '" + spec.name + "' is " + to_string(t.shape()) + ", graph '" +
                                    graph.name + "' declares " + to_string(spec.shape));
      weights.emplace(spec.name, t.dtype() == DType::f32 ? t : t.to(DType::f32));
    }
    std::unordered_map<std::string, std::size_t> last_use;
    for (std::size_t i = 0; i < graph.nodes.size(); ++i)
      for (const auto& in : graph.nodes[i].inputs) last_use[in] = i;
    for (const auto& out : graph.outputs) last_use.erase(out);
    release_after.resize(graph.nodes.size());
    for (const auto& [tensor, i] : last_use)
      if (!graph.is_weight(tensor)) release_after[i].push_back(tensor);
  }
};

// Runs `prog` on `inputs`. With keep_all, nothing is released and every tensor is
// returned by name; otherwise only the graph outputs are.
std::unordered_map<std::string, Tensor> execute(const Program& prog, std::span<const Tensor> inputs, bool keep_all,
                                                std::vector<NodeProfile>* profile) {
  const Graph& g = prog.graph;
  if (inputs.size() != g.inputs.size())
    throw std::invalid_argument("reference: graph '" + g.name + "' takes " + std::to_string(g.inputs.size()) +
                                " inputs, got " + std::to_string(inputs.size()));
  std::unordered_map<std::string, Tensor> env;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const std::string& name = g.inputs[i];
    const Shape& want = g.info(name).shape;
    if (inputs[i].shape() != want)
      throw std::invalid_argument("reference: input '" + name + "' of graph '" + g.name + "' must be " + to_string(want) +
                                  ", got " + to_string(inputs[i].shape()));
    env.insert_or_assign(name, inputs[i].dtype() == DType::f32 ? inputs[i] : inputs[i].to(DType::f32));
  }
  const auto lookup = [&](const std::string& name) -> const Tensor* {
    if (auto it = env.find(name); it != env.end()) return &it->second;
    if (auto it = prog.weights.find(name); it != prog.weights.end()) return &it->second;
    return nullptr;
  };
  if (profile) profile->clear();
  std::vector<const Tensor*> args;
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& node = g.nodes[i];
    args.clear();
    for (const auto& in : node.inputs) {
      const Tensor* t = lookup(in);
      if (!t) throw std::logic_error("reference: node '" + node.name + "' reads '" + in + "', which is not available");
      args.push_back(t);
    }
    const auto t0 = std::chrono::steady_clock::now();
    Tensor out = ref::eval_node(node, args, g.info(node.name).shape);
    const auto t1 = std::chrono::steady_clock::now();
    if (profile)
      profile->push_back({node.name, std::string(op_name(node.op)),
                          static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count()),
                          Provenance::measured("steady_clock")});
    env.insert_or_assign(node.name, std::move(out));
    if (!keep_all)
      for (const auto& dead : prog.release_after[i]) env.erase(dead);
  }
  return env;
}

class ReferenceExecutable final : public Executable {
 public:
  ReferenceExecutable(const Graph& graph, const Weights& weights) : prog_(graph, weights) {}

  std::vector<Tensor> run(std::span<const Tensor> inputs) override {
    auto env = execute(prog_, inputs, false, profiling_ ? &profile_ : nullptr);
    std::vector<Tensor> out;
    out.reserve(prog_.graph.outputs.size());
    for (const auto& name : prog_.graph.outputs) {
      if (auto it = env.find(name); it != env.end())
        out.push_back(it->second);  // copied: one tensor may be listed as output twice
      else
        out.push_back(prog_.weights.at(name));  // an output may be a weight, oddly
    }
    return out;
  }
  void enable_profiling(bool on) override {
    profiling_ = on;
    if (!on) profile_.clear();
  }
  std::vector<NodeProfile> last_profile() const override { return profile_; }

 private:
  Program prog_;
  bool profiling_ = false;
  std::vector<NodeProfile> profile_;
};

class ReferenceBackend final : public Backend {
 public:
  std::string_view name() const override { return "reference"; }
  std::string_view description() const override {
    return "plain C++ kernels, fp32 storage with fp64 accumulation, one thread: the accuracy oracle and the fallback";
  }
  Probe probe() const override { return {true, "", cpu_model()}; }
  std::string unsupported_reason(const Graph&, const Node&, const CompileOptions&) const override { return {}; }
  std::unique_ptr<Executable> compile(const Graph& graph, const Weights& weights, const CompileOptions&) const override {
    graph.validate();
    return std::make_unique<ReferenceExecutable>(graph, weights);
  }
};

}  // namespace

std::unique_ptr<Backend> make_reference_backend() { return std::make_unique<ReferenceBackend>(); }

std::map<std::string, Tensor> run_reference_all(const Graph& graph, const Weights& weights, std::span<const Tensor> inputs) {
  const Program prog(graph, weights);
  auto env = execute(prog, inputs, true, nullptr);
  std::map<std::string, Tensor> out;
  for (auto& [name, t] : env) out.emplace(name, std::move(t));
  return out;
}

}  // namespace eb
