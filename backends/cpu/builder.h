// Lowering a graph to a program of oneDNN primitives and host steps.
//
// The Builder walks the graph once. Each operator's lowering function (ops/*.cpp) asks it
// for its inputs in the memory layout its primitive wants (the Builder inserts a reorder
// when the producer chose another one, once per tensor and layout), creates its
// primitives, and registers their outputs. Nothing is allocated while lowering: steps
// name the values they touch, and only finish() plans the arena, binds every step to
// addresses and returns the Program.
//
// Weights become constants at compile time, already reordered into the layout each
// primitive asked for, so a run never converts a weight.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "backends/cpu/context.h"
#include "backends/cpu/fusion.h"
#include "backends/cpu/memory_plan.h"
#include "core/graph.h"
#include "core/weights.h"

namespace eb::cpu {

using md_t = dnnl::memory::desc;

// A tensor as the compiled graph holds it: a memory descriptor (the layout oneDNN chose,
// or a strided view) over either a planned buffer or compile-time constant data.
struct Value {
  md_t md;
  BufferId buffer;          // planned storage, when `constant` is empty
  std::size_t offset = 0;   // bytes into the buffer (views such as q, k, v of a packed qkv)
  dnnl::memory constant;    // weights and what is derived from them at compile time
  bool is_constant() const { return static_cast<bool>(constant); }
  // The same bytes seen through another descriptor (a reshape of a dense tensor, a view).
  Value viewed(const md_t& view_md, std::size_t extra_offset = 0) const;
};

// What a step sees while it runs.
struct RunEnv {
  const dnnl::stream& stream;
  std::span<const Tensor> inputs;  // the graph inputs of this run
  std::span<Tensor> outputs;       // the graph outputs being filled
};
using Runner = std::function<void(const RunEnv&)>;

// Addresses of values, known once the memory plan is fixed.
class Binding {
 public:
  Binding(const dnnl::engine& engine, std::byte* arena, const MemoryPlan& plan, dnnl::memory scratchpad)
      : engine_(engine), arena_(arena), plan_(plan), scratchpad_(std::move(scratchpad)) {}
  std::byte* address(const Value& v) const;
  dnnl::memory memory(const Value& v) const;  // over address(v), described by v.md
  const dnnl::memory& scratchpad() const { return scratchpad_; }
  const dnnl::engine& engine() const { return engine_; }

 private:
  const dnnl::engine& engine_;
  std::byte* arena_;
  const MemoryPlan& plan_;
  dnnl::memory scratchpad_;
};

// A step before binding: the planned values it reads or writes (for lifetimes) and how
// to make its runner once they have addresses.
struct StepSpec {
  std::string name;  // the node (or nodes, "a+b") it computes, for profiles
  std::string op;
  std::vector<Value> uses;
  std::function<Runner(const Binding&)> bind;
  int threads = 0;  // 0: the executable's thread count; 1: a primitive too small to split
};

struct Step {
  std::string name;
  std::string op;
  Runner run;
  int threads = 0;
};

// The compiled form of a graph: steps to run in order over one arena.
struct Program {
  std::vector<Step> steps;
  dnnl::memory arena;
  dnnl::memory scratchpad;  // shared by every primitive: steps never overlap in time
  // Owns the weights and everything derived from them; steps hold only their addresses.
  std::vector<dnnl::memory> constants;
  std::size_t arena_bytes = 0;
  std::size_t unplanned_bytes = 0;  // what the activations would take without reuse
  std::size_t scratchpad_bytes = 0;
  std::size_t constant_bytes = 0;
  std::size_t reorders = 0;                   // layout conversions left inside the graph
  std::size_t sums_in_place = 0;              // residual sums written over the residual's buffer
  std::size_t sum_copies = 0;                 // residual sums that needed a copy of the residual first
  std::size_t single_thread_steps = 0;        // steps too small to split over threads
  std::map<std::string, int> implementations;  // oneDNN implementation -> primitives using it
  // step kind ("conv2d", "linear", "reorder", ...) -> oneDNN implementation -> primitives
  std::map<std::string, std::map<std::string, int>> implementations_by_op;
};

using Args = std::vector<std::pair<int, Value>>;

class Builder {
 public:
  Builder(Context& ctx, const Graph& graph, const Weights& weights);

  const Context& context() const { return ctx_; }
  const dnnl::engine& engine() const { return ctx_.engine; }
  const Graph& graph() const { return graph_; }
  const GraphIndex& index() const { return index_; }
  const Shape& shape(const std::string& tensor) const { return graph_.info(tensor).shape; }

  // ---- values
  // Whether `tensor` has a value yet (graph inputs, weights, lowered nodes).
  bool has_value(const std::string& tensor) const;
  // The tensor as its producer left it (weights and inputs: dense row-major).
  const Value& value(const std::string& tensor);
  // The tensor in layout `md`, converted once and remembered (at compile time for weights).
  Value as(const std::string& tensor, const md_t& md);
  // The tensor dense and row-major.
  Value plain(const std::string& tensor) { return as(tensor, plain_desc(shape(tensor))); }
  // A value converted to layout `md` by a reorder step (or at compile time for constants).
  // `op` names the step in profiles; only "reorder" steps count as layout conversions.
  Value convert(const Value& v, const md_t& md, const std::string& step_name, const std::string& op = "reorder");
  // A new planned buffer for `md`.
  Value fresh(const md_t& md);
  // A reorder step writing `src` into `dst` (both described by their own descriptors).
  void copy(const Value& src, const Value& dst, const std::string& step_name, const std::string& op);
  // Makes the producer of `v` write it straight into `into` at byte `offset` (zero-copy
  // concat), when `v` alone owns its planned buffer; returns false and changes nothing
  // otherwise (a constant, a view into part of a buffer, a buffer already placed).
  bool place_inside(const Value& v, const Value& into, std::size_t offset);
  // Whether a step computing node `reader` may write its result over `v`: `v` owns its
  // planned buffer outright, nothing reads those bytes after `reader` (every tensor with a
  // value in them is dead by then), and none of `other_args` (the step's other arguments)
  // lives in them. Element-wise steps then run in place.
  bool can_overwrite(const Value& v, const std::string& reader, std::span<const Value> other_args) const;
  // The destination of a primitive with a `sum` post-op that adds `tensor` (a residual):
  // a planned buffer holding `tensor` in layout `md` when the primitive starts. That is
  // the tensor's own buffer, overwritten in place, when nothing reads those bytes after
  // node `reader` and no value in `other_args` (the primitive's other arguments) lives in
  // them; otherwise a fresh buffer that a copy step fills first.
  Value accumulator(const std::string& tensor, const md_t& md, const std::string& reader,
                    std::span<const Value> other_args, const std::string& step_name);
  // Constant data (a weight, or values derived from weights) in layout `md`, copied now.
  Value constant(std::span<const float> data, const md_t& plain_md, const md_t& md);
  // The same for data of any type (int8 weights, int32 biases): `data` is `plain_md`'s bytes.
  Value constant(std::span<const std::byte> data, const md_t& plain_md, const md_t& md);
  void define(const std::string& tensor, Value v);
  // Records that the nodes of `chain` were folded into the node before them, so that
  // lowering skips them.
  void absorb(const PostOpChain& chain) { absorbed_.insert(chain.absorbed.begin(), chain.absorbed.end()); }
  bool absorbed(const std::string& node) const { return absorbed_.contains(node); }
  // The post-op chain that can follow `base` now (operands must already have values).
  PostOpChain chain_after(const Node& base) const {
    return index_.chain_after(base, [this](const std::string& t) { return has_value(t); });
  }

  // ---- steps
  // Attributes every primitive starts from: a user-managed scratchpad, so one planned
  // scratchpad serves all primitives.
  static dnnl::primitive_attr base_attr();
  // A oneDNN primitive reading and writing `args` (the scratchpad is added here). With
  // `threads` (1), the step runs on that many threads; the primitive must have been
  // created under a ThreadScope of the same count (oneDNN splits the work at creation).
  void add_primitive(const std::string& name, const std::string& op, const dnnl::primitive_desc_base& pd,
                     dnnl::primitive prim, Args args, int threads = 0);
  void add_step(StepSpec step);
  // Accounts for a primitive that a host step executes itself (its scratchpad need and
  // implementation); such a step passes Binding::scratchpad() to it.
  void note_primitive(const dnnl::primitive_desc_base& pd, const std::string& op = "");

  const Tensor& weight(const std::string& name) const { return weights_.get(name); }

  // Adds the output steps, plans the arena and binds every step.
  Program finish();

  static md_t plain_desc(const Shape& shape, dnnl::memory::data_type type = dnnl::memory::data_type::f32);
  // The tensor dense and row-major in the context's compute type (convert() rounds f32 to
  // bf16 once per tensor).
  Value plain_compute(const std::string& tensor) { return as(tensor, plain_desc(shape(tensor), ctx_.compute_type)); }

 private:
  Context& ctx_;
  const Graph& graph_;
  const Weights& weights_;
  GraphIndex index_;
  MemoryPlan plan_;
  std::vector<StepSpec> steps_;
  std::map<std::string, std::vector<Value>> values_;  // first: as produced; then conversions
  std::set<std::string> absorbed_;
  std::vector<Value> inputs_;  // the arena copies of the graph inputs, in graph order
  std::size_t scratchpad_bytes_ = 0;
  std::vector<dnnl::memory> constants_;
  std::size_t constant_bytes_ = 0;
  std::size_t reorders_ = 0;
  std::size_t sums_in_place_ = 0;
  std::size_t sum_copies_ = 0;
  std::map<std::string, int> implementations_;
  std::map<std::string, std::map<std::string, int>> implementations_by_op_;
};

}  // namespace eb::cpu
