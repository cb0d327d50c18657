// Partitioning a graph between a backend and the reference fallback, and running the
// partitions in order.
#include "core/partition.h"

#include <algorithm>
#include <chrono>
#include <iterator>
#include <map>
#include <cstdio>
#include <cmath>
#include <set>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "core/shape_inference.h"

namespace eb {
namespace {

constexpr std::string_view kFallbackName = "reference";

std::string percent(std::int64_t part, std::int64_t total, bool all) {
  double p = total > 0 ? 100.0 * static_cast<double>(part) / static_cast<double>(total) : (all ? 100.0 : 0.0);
  p = std::round(p * 10.0) / 10.0;
  // Never claim 100.0% (or 0.0%) when some (or none) of the MACs stayed behind.
  if (!all && part < total) p = std::min(p, 99.9);
  if (part > 0) p = std::max(p, 0.1);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f%%", p);
  return buf;
}

}  // namespace

std::string PartitionPlan::summary() const {
  std::size_t parts = 0;
  for (const auto& p : partitions)
    if (p.backend == backend) ++parts;
  std::string s = std::to_string(delegated_nodes) + " of " + std::to_string(total_nodes) + " nodes (" +
                  percent(delegated_macs, total_macs, delegated_nodes == total_nodes) + " of MACs) on " + backend +
                  " in " + std::to_string(parts) + (parts == 1 ? " partition" : " partitions");
  for (std::size_t i = 0; i < fallback_ops.size(); ++i) {
    s += (i ? ", " : "; fallback: ") + fallback_ops[i];
    const std::string prefix = fallback_ops[i] + ": ";
    for (const auto& r : fallback_reasons)
      if (r.starts_with(prefix)) {
        s += " (" + r.substr(prefix.size()) + ")";
        break;
      }
  }
  return s;
}

PartitionPlan plan_partitions(const Graph& graph, const Backend& backend, const CompileOptions& options) {
  PartitionPlan plan;
  plan.backend = std::string(backend.name());
  plan.total_nodes = graph.nodes.size();
  const Capability capability = backend.claim(graph, options);
  if (capability.reasons.size() != graph.nodes.size())
    throw std::logic_error("backend '" + plan.backend + "' answered for " + std::to_string(capability.reasons.size()) +
                           " nodes of a graph of " + std::to_string(graph.nodes.size()));
  std::set<std::string_view> fallback_seen;
  std::set<std::string> reasons_seen;
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& node = graph.nodes[i];
    const bool ok = capability.claimed(i);
    const std::string op(op_name(node.op));
    const std::string& why = capability.reasons[i];
    const std::string reason = ok ? "" : why.starts_with(op + ":") ? why : op + ": " + why;
    if (!ok && !options.allow_fallback)
      throw std::runtime_error("backend '" + plan.backend + "' does not support node '" + node.name + "' (" + reason +
                               ") and fallback is disabled");
    const std::int64_t macs = node_macs(node, input_shapes(graph, node), graph.info(node.name).shape);
    const std::string target = ok ? plan.backend : std::string(kFallbackName);
    if (plan.partitions.empty() || plan.partitions.back().backend != target) plan.partitions.push_back({target, {}, 0});
    plan.partitions.back().nodes.push_back(i);
    plan.partitions.back().macs += macs;
    plan.total_macs += macs;
    if (ok) {
      ++plan.delegated_nodes;
      plan.delegated_macs += macs;
    } else {
      if (fallback_seen.insert(op_name(node.op)).second) plan.fallback_ops.push_back(op);
      if (reasons_seen.insert(reason).second) plan.fallback_reasons.push_back(reason);
    }
  }
  return plan;
}

Graph extract_subgraph(const Graph& graph, const Partition& part, const std::string& name) {
  Graph sub;
  sub.name = name;
  std::unordered_set<std::string> produced_here;
  std::unordered_set<std::string> seen;
  for (std::size_t i : part.nodes) {
    if (i >= graph.nodes.size())
      throw std::out_of_range("partition of graph '" + graph.name + "' names node " + std::to_string(i) + " of " +
                              std::to_string(graph.nodes.size()));
    const Node& node = graph.nodes[i];
    for (const auto& in : node.inputs) {
      if (produced_here.contains(in) || !seen.insert(in).second) continue;
      const TensorInfo& info = graph.info(in);
      if (info.kind == TensorKind::weight) {
        sub.weights.push_back(graph.weight(in));
        sub.tensors[in] = info;
      } else {  // a graph input or another partition's output becomes an input here
        sub.inputs.push_back(in);
        sub.tensors[in] = TensorInfo{info.shape, info.dtype, TensorKind::input};
      }
    }
    sub.nodes.push_back(node);
    sub.tensors[node.name] = graph.info(node.name);
    produced_here.insert(node.name);
  }
  // Outputs: what later nodes (outside this partition) read, and the graph's outputs.
  std::unordered_set<std::string> needed(graph.outputs.begin(), graph.outputs.end());
  const std::unordered_set<std::size_t> members(part.nodes.begin(), part.nodes.end());
  for (std::size_t i = 0; i < graph.nodes.size(); ++i)
    if (!members.contains(i))
      for (const auto& in : graph.nodes[i].inputs) needed.insert(in);
  for (const auto& node : sub.nodes)
    if (needed.contains(node.name)) sub.outputs.push_back(node.name);
  // A partition whose results nothing reads (dead code) still yields its last tensor, so
  // that it is a valid graph.
  if (sub.outputs.empty() && !sub.nodes.empty()) sub.outputs.push_back(sub.nodes.back().name);
  sub.validate();
  return sub;
}

namespace {

// "3 fallback partitions on the reference kernels", "1 fallback partition on the cpu
// backend", or both, by the backend each host stage ran on.
std::string fmt_host_stages(const std::map<std::string, int>& by_backend) {
  std::string s;
  for (const auto& [backend, n] : by_backend) {
    if (!s.empty()) s += ", ";
    s += std::to_string(n) + (n == 1 ? " fallback partition" : " fallback partitions") + " on " +
         (backend == "reference" ? std::string("the reference kernels") : "the " + backend + " backend");
  }
  return s;
}

struct Stage {
  std::string name;
  std::string backend;
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  std::unique_ptr<Executable> exe;
};

class PartitionedExecutable final : public Executable {
 public:
  PartitionedExecutable(std::vector<std::string> inputs, std::vector<std::string> outputs, std::vector<Stage> stages)
      : inputs_(std::move(inputs)), outputs_(std::move(outputs)), stages_(std::move(stages)) {
    // The last stage that reads each tensor, so it can be moved into that stage rather
    // than copied (graph outputs are always kept).
    for (std::size_t s = 0; s < stages_.size(); ++s)
      for (const auto& in : stages_[s].inputs) last_reader_[in] = s;
    for (const auto& out : outputs_) last_reader_.erase(out);
    for (std::size_t s = 0; s < stages_.size(); ++s)
      if (stages_[s].exe->power_model()) powered_.push_back(s);
    if (!powered_.empty()) idle_watts_ = stages_[powered_.front()].exe->power_model()->idle_watts;
  }

  std::vector<Tensor> run(std::span<const Tensor> inputs) override {
    if (inputs.size() != inputs_.size())
      throw std::invalid_argument("partitioned graph takes " + std::to_string(inputs_.size()) + " inputs, got " +
                                  std::to_string(inputs.size()));
    std::unordered_map<std::string, Tensor> env;
    for (std::size_t i = 0; i < inputs.size(); ++i) env.insert_or_assign(inputs_[i], inputs[i]);
    profile_.clear();
    device_ns_.reset();
    std::optional<Provenance> device_prov;
    double host_ns = 0, fallback_ns = 0, transfer_ns = 0;
    std::optional<Provenance> transfer_prov;
    int transfer_stages = 0;
    double device_joules_ns = 0;  // W·ns of the device's modeled stages; idle power elsewhere
    std::map<std::string, int> host_stages;  // by the backend they ran on
    for (std::size_t s = 0; s < stages_.size(); ++s) {
      Stage& st = stages_[s];
      std::vector<Tensor> args;
      args.reserve(st.inputs.size());
      for (const auto& name : st.inputs) {
        auto it = env.find(name);
        if (it == env.end()) throw std::logic_error("partition '" + st.name + "' needs '" + name + "', which no earlier partition produced");
        auto lr = last_reader_.find(name);
        if (lr != last_reader_.end() && lr->second == s) {
          args.push_back(std::move(it->second));
          env.erase(it);
        } else {
          args.push_back(it->second);
        }
      }
      const auto t0 = std::chrono::steady_clock::now();
      std::vector<Tensor> results = st.exe->run(args);
      const auto t1 = std::chrono::steady_clock::now();
      if (results.size() != st.outputs.size())
        throw std::logic_error("partition '" + st.name + "' on " + st.backend + " returned " + std::to_string(results.size()) +
                               " tensors, expected " + std::to_string(st.outputs.size()));
      for (std::size_t i = 0; i < results.size(); ++i) env.insert_or_assign(st.outputs[i], std::move(results[i]));
      if (profiling_) {
        // A stage that profiles its own nodes says more than its wall time; only a stage
        // that cannot is shown as one entry (never both, so the table adds up).
        auto nodes = st.exe->last_profile();
        if (!nodes.empty())
          profile_.insert(profile_.end(), std::make_move_iterator(nodes.begin()), std::make_move_iterator(nodes.end()));
        else
          profile_.push_back({st.name, "partition:" + st.backend,
                              static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count()),
                              Provenance::measured("steady_clock")});
      }
      if (auto dt = st.exe->last_device_time()) {
        device_ns_ = device_ns_.value_or(0.0) + dt->ns;
        host_ns += dt->host_ns;
        if (dt->transfer_ns > 0) {  // the stage's own modeled copies in and out of its buffers
          transfer_ns += dt->transfer_ns;
          ++transfer_stages;
          if (!transfer_prov) transfer_prov = dt->transfer_provenance;
        }
        // A stage's modeled watts cover its own device time (its own host part included).
        device_joules_ns += st.exe->last_modeled_watts().value_or(idle_watts_) * dt->ns;
        if (!device_prov) device_prov = dt->provenance;
      } else {
        // A stage with no device time ran on this host: its wall time is the host's share
        // of the system time (measured), whatever the device's part is.
        const double wall = static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count());
        host_ns += wall;
        fallback_ns += wall;
        device_joules_ns += idle_watts_ * wall;  // the device waits, powered, while the host works
        ++host_stages[st.backend];
      }
    }
    if (device_ns_) {
      device_time_ = DeviceTime{*device_ns_ + fallback_ns, *device_prov, host_ns, fmt_host_stages(host_stages)};
      if (transfer_prov) {
        device_time_->transfer_ns = transfer_ns;
        device_time_->transfer_provenance = *transfer_prov;
        device_time_->transfer_what = "tensors in and out of " + std::to_string(transfer_stages) + " device partition(s)";
      }
      device_joules_ns_ = device_joules_ns;
    } else {
      device_time_.reset();
    }
    std::vector<Tensor> out;
    out.reserve(outputs_.size());
    for (const auto& name : outputs_) {
      auto it = env.find(name);
      if (it == env.end()) throw std::logic_error("graph output '" + name + "' was not produced by any partition");
      out.push_back(it->second);
    }
    return out;
  }

  std::optional<DeviceTime> last_device_time() const override { return device_time_; }

  // The device's power model over the whole system time: its modeled stages (one or many
  // partitions of the same backend, so one device) draw their modeled watts over their own
  // device time, and the device idles, powered, while the host runs the fallback
  // partitions. The host CPU's own power is not in it; the name says so when there are
  // host partitions.
  std::optional<PowerModelInfo> power_model() const override {
    if (powered_.empty()) return std::nullopt;
    auto m = stages_[powered_.front()].exe->power_model();
    const std::size_t host_stages = stages_.size() - powered_.size();
    if (m && (powered_.size() > 1 || host_stages > 0)) {
      m->model += " (over " + std::to_string(powered_.size()) + " device partition(s)";
      if (host_stages > 0)
        m->model += "; idle power during the " + std::to_string(host_stages) +
                    " host partition(s), whose CPU power is not in this model";
      m->model += ")";
    }
    return m;
  }
  // Watts over the whole system time: (sum of P_s·t_s + P_idle·t_host) / t_total.
  std::optional<double> last_modeled_watts() const override {
    if (powered_.empty() || !device_time_ || device_time_->ns <= 0) return std::nullopt;
    return device_joules_ns_ / device_time_->ns;
  }

  void enable_profiling(bool on) override {
    profiling_ = on;
    for (auto& st : stages_) st.exe->enable_profiling(on);
    if (!on) profile_.clear();
  }
  std::vector<NodeProfile> last_profile() const override { return profile_; }

  // The stages' facts merged: a key every stage that reports it agrees on is kept as is;
  // a key whose value differs between stages is kept per stage ("<stage>.<key>").
  std::map<std::string, std::string> info() const override {
    std::map<std::string, std::string> merged;
    std::map<std::string, bool> conflicting;
    for (const auto& st : stages_)
      for (const auto& [key, value] : st.exe->info()) {
        auto [it, fresh] = merged.emplace(key, value);
        if (!fresh && it->second != value) conflicting[key] = true;
      }
    for (const auto& [key, _] : conflicting) merged.erase(key);
    for (const auto& st : stages_)
      for (const auto& [key, value] : st.exe->info())
        if (conflicting.contains(key)) merged[st.name + "." + key] = value;
    merged["partitions"] = std::to_string(stages_.size());
    return merged;
  }

 private:
  std::vector<std::string> inputs_;
  std::vector<std::string> outputs_;
  std::vector<Stage> stages_;
  std::unordered_map<std::string, std::size_t> last_reader_;
  bool profiling_ = false;
  std::vector<NodeProfile> profile_;
  std::optional<double> device_ns_;
  double device_joules_ns_ = 0;  // W·ns over device_time_ (see last_modeled_watts)
  double idle_watts_ = 0;        // the device's idle power (its stages share one model)
  std::optional<DeviceTime> device_time_;
  std::vector<std::size_t> powered_;  // the stages with a power model: the device's partitions
};

}  // namespace

std::unique_ptr<Executable> compile_partitioned(const Graph& graph, const Weights& weights, const Backend& backend,
                                                const Backend& fallback, const CompileOptions& options,
                                                PartitionPlan* plan_out) {
  PartitionPlan plan = plan_partitions(graph, backend, options);
  if (plan_out) *plan_out = plan;
  if (plan.partitions.size() <= 1) {
    const bool on_backend = plan.partitions.empty() || plan.partitions.front().backend == plan.backend;
    return (on_backend ? backend : fallback).compile(graph, weights, options);
  }
  std::vector<Stage> stages;
  for (std::size_t p = 0; p < plan.partitions.size(); ++p) {
    const Partition& part = plan.partitions[p];
    const Backend& target = part.backend == plan.backend ? backend : fallback;
    Stage st;
    st.name = graph.name + "/partition" + std::to_string(p) + ":" + part.backend;
    st.backend = part.backend;
    Graph sub = extract_subgraph(graph, part, st.name);
    Weights sub_weights;
    for (const auto& spec : sub.weights) sub_weights.set(spec.name, weights.get(spec.name));
    st.exe = target.compile(sub, sub_weights, options);
    if (&target == &fallback) {  // the fallback may say which backend it chose
      const auto info = st.exe->info();
      if (auto it = info.find(kHostBackendInfoKey); it != info.end() && it->second != st.backend) {
        st.backend = it->second;
        st.name = graph.name + "/partition" + std::to_string(p) + ":" + st.backend;
      }
    }
    st.inputs = sub.inputs;
    st.outputs = sub.outputs;
    stages.push_back(std::move(st));
  }
  return std::make_unique<PartitionedExecutable>(graph.inputs, graph.outputs, std::move(stages));
}

}  // namespace eb
