#include "backends/cpu/builder.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <unordered_map>

namespace eb::cpu {
namespace {

using dnnl::memory;

memory::desc bytes_desc(std::size_t n) {
  return {{static_cast<memory::dim>(std::max<std::size_t>(n, MemoryPlan::kAlignment))}, memory::data_type::u8,
          memory::format_tag::x};
}

std::byte* constant_address(const Value& v) { return static_cast<std::byte*>(v.constant.get_data_handle()) + v.offset; }

}  // namespace

Value Value::viewed(const md_t& view_md, std::size_t extra_offset) const {
  Value v = *this;
  v.md = view_md;
  v.offset += extra_offset;
  return v;
}

std::byte* Binding::address(const Value& v) const {
  return v.is_constant() ? constant_address(v) : arena_ + plan_.offset(v.buffer) + v.offset;
}

dnnl::memory Binding::memory(const Value& v) const { return {v.md, engine_, address(v)}; }

md_t Builder::plain_desc(const Shape& shape, memory::data_type type) {
  memory::dims dims(shape.begin(), shape.end());
  if (dims.empty()) dims.push_back(1);  // a scalar is a one-element vector to oneDNN
  memory::dims strides(dims.size(), 1);
  for (std::size_t d = dims.size() - 1; d-- > 0;) strides[d] = strides[d + 1] * dims[d + 1];
  return {dims, type, strides};
}

Builder::Builder(Context& ctx, const Graph& graph, const Weights& weights)
    : ctx_(ctx), graph_(graph), weights_(weights), index_(graph) {
  // Graph inputs are copied into the arena at the start of each run: every later step
  // then reads planned memory, and the caller's tensors are never written. A layout
  // conversion of an input reads the caller's tensor directly (convert), and finish()
  // drops the copy when nothing else reads it.
  for (std::size_t i = 0; i < graph.inputs.size(); ++i) {
    const std::string& name = graph.inputs[i];
    const Value v = fresh(plain_desc(shape(name)));
    inputs_.push_back(v);
    define(name, v);
    add_step({name, "input", {v}, [v, i](const Binding& b) -> Runner {
                std::byte* dst = b.address(v);
                const std::size_t n = v.md.get_size();
                return [dst, i, n](const RunEnv& env) { std::memcpy(dst, env.inputs[i].bytes().data(), n); };
              }});
  }
}

bool Builder::has_value(const std::string& tensor) const {
  return values_.contains(tensor) || graph_.is_weight(tensor);
}

const Value& Builder::value(const std::string& tensor) {
  if (const auto it = values_.find(tensor); it != values_.end()) return it->second.front();
  if (!graph_.is_weight(tensor)) throw std::logic_error("cpu backend: tensor '" + tensor + "' used before it is computed");
  const Tensor& w = weights_.get(tensor);
  if (w.dtype() != DType::f32) throw std::invalid_argument("cpu backend: weight '" + tensor + "' is not f32");
  const md_t md = plain_desc(w.shape());
  define(tensor, constant(w.data<float>(), md, md));
  return values_.at(tensor).front();
}

Value Builder::as(const std::string& tensor, const md_t& md) {
  const Value v = value(tensor);
  if (v.md == md) return v;
  auto& variants = values_.at(tensor);
  for (const Value& c : variants)
    if (c.md == md) return c;
  Value out = convert(v, md, tensor + ":reorder");
  variants.push_back(out);
  return out;
}

Value Builder::convert(const Value& v, const md_t& md, const std::string& step_name, const std::string& op) {
  if (v.is_constant()) {
    memory src(v.md, ctx_.engine, constant_address(v));
    memory dst(md, ctx_.engine);
    dnnl::reorder(src, dst).execute(ctx_.stream, src, dst);
    ctx_.stream.wait();
    constant_bytes_ += md.get_size();
    constants_.push_back(dst);
    return {md, {}, 0, dst};
  }
  Value out = fresh(md);
  const dnnl::reorder::primitive_desc pd(ctx_.engine, v.md, ctx_.engine, md, base_attr());
  if (op == "reorder") ++reorders_;
  for (std::size_t i = 0; i < inputs_.size(); ++i) {
    if (inputs_[i].buffer != v.buffer || v.offset != 0) continue;
    note_primitive(pd, op);
    add_step({step_name, op, {out}, [pd, out, i, from = v.md](const Binding& b) -> Runner {
                memory src(from, b.engine(), DNNL_MEMORY_NONE);
                std::unordered_map<int, memory> args{{DNNL_ARG_FROM, src}, {DNNL_ARG_TO, b.memory(out)}};
                if (pd.scratchpad_desc().get_size() > 0) args.emplace(DNNL_ARG_SCRATCHPAD, b.scratchpad());
                dnnl::reorder prim(pd);
                return [src, args = std::move(args), prim, i](const RunEnv& env) {
                  // oneDNN takes a non-const handle for sources too; a reorder only reads it.
                  src.set_data_handle(const_cast<std::byte*>(env.inputs[i].bytes().data()));
                  prim.execute(env.stream, args);
                };
              }});
    return out;
  }
  add_primitive(step_name, op, pd, dnnl::reorder(pd), {{DNNL_ARG_FROM, v}, {DNNL_ARG_TO, out}});
  return out;
}

Value Builder::fresh(const md_t& md) { return {md, plan_.add(md.get_size()), 0, {}}; }

void Builder::copy(const Value& src, const Value& dst, const std::string& step_name, const std::string& op) {
  const dnnl::reorder::primitive_desc pd(ctx_.engine, src.md, ctx_.engine, dst.md, base_attr());
  add_primitive(step_name, op, pd, dnnl::reorder(pd), {{DNNL_ARG_FROM, src}, {DNNL_ARG_TO, dst}});
}

bool Builder::place_inside(const Value& v, const Value& into, std::size_t offset) {
  if (v.is_constant() || into.is_constant() || v.offset != 0 || plan_.is_alias(v.buffer) || v.buffer == into.buffer ||
      plan_.requested_bytes(v.buffer) != v.md.get_size())
    return false;
  plan_.alias(v.buffer, into.buffer, into.offset + offset);
  return true;
}

bool Builder::can_overwrite(const Value& v, const std::string& reader, std::span<const Value> other_args) const {
  if (v.is_constant() || v.offset != 0 || plan_.is_alias(v.buffer) || plan_.requested_bytes(v.buffer) != v.md.get_size())
    return false;
  for (const Value& o : other_args)
    if (!o.is_constant() && plan_.shares_bytes(o.buffer, v.buffer)) return false;
  // Views (reshape, slice), conversions and concat inputs placed inside this buffer all
  // hold values naming it; each of their tensors must be dead after `reader`.
  for (const auto& [tensor, variants] : values_)
    for (const Value& o : variants)
      if (!o.is_constant() && plan_.shares_bytes(o.buffer, v.buffer) && !index_.dead_after(tensor, reader)) return false;
  return true;
}

Value Builder::accumulator(const std::string& tensor, const md_t& md, const std::string& reader,
                           std::span<const Value> other_args, const std::string& step_name) {
  const Value& produced = value(tensor);
  for (const Value& c : values_.at(tensor)) {
    if (c.md != md || !can_overwrite(c, reader, other_args)) continue;
    ++sums_in_place_;
    return c;
  }
  // The residual is still needed (or lives in a view): the sum accumulates into a copy.
  const Value dst = fresh(md);
  copy(produced, dst, step_name, produced.md == md ? "copy" : "reorder");
  if (produced.md != md) ++reorders_;
  ++sum_copies_;
  return dst;
}

Value Builder::constant(std::span<const float> data, const md_t& plain_md, const md_t& md) {
  return constant(std::as_bytes(data), plain_md, md);
}

Value Builder::constant(std::span<const std::byte> data, const md_t& plain_md, const md_t& md) {
  if (data.size() != plain_md.get_size()) throw std::logic_error("cpu backend: constant data does not match its descriptor");
  // oneDNN takes a non-const handle for sources too; a reorder only reads it.
  memory src(plain_md, ctx_.engine, const_cast<std::byte*>(data.data()));
  memory dst(md, ctx_.engine);
  dnnl::reorder(src, dst).execute(ctx_.stream, src, dst);
  ctx_.stream.wait();
  constant_bytes_ += md.get_size();
  constants_.push_back(dst);
  return {md, {}, 0, dst};
}

void Builder::define(const std::string& tensor, Value v) {
  auto [it, inserted] = values_.try_emplace(tensor);
  if (!inserted) throw std::logic_error("cpu backend: tensor '" + tensor + "' defined twice");
  it->second.push_back(std::move(v));
}

dnnl::primitive_attr Builder::base_attr() {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return attr;
}

void Builder::note_primitive(const dnnl::primitive_desc_base& pd, const std::string& op) {
  ++implementations_[pd.impl_info_str()];
  if (!op.empty()) ++implementations_by_op_[op][pd.impl_info_str()];
  scratchpad_bytes_ = std::max(scratchpad_bytes_, pd.scratchpad_desc().get_size());
}

void Builder::add_primitive(const std::string& name, const std::string& op, const dnnl::primitive_desc_base& pd,
                            dnnl::primitive prim, Args args, int threads) {
  note_primitive(pd, op);
  const bool needs_scratchpad = pd.scratchpad_desc().get_size() > 0;
  StepSpec step{name, op, {}, {}, threads};
  for (const auto& [arg, v] : args)
    if (!v.is_constant()) step.uses.push_back(v);
  step.bind = [prim = std::move(prim), args = std::move(args), needs_scratchpad](const Binding& b) -> Runner {
    std::unordered_map<int, memory> bound;
    for (const auto& [arg, v] : args) bound.emplace(arg, b.memory(v));
    if (needs_scratchpad) bound.emplace(DNNL_ARG_SCRATCHPAD, b.scratchpad());
    return [prim, bound = std::move(bound)](const RunEnv& env) { prim.execute(env.stream, bound); };
  };
  steps_.push_back(std::move(step));
}

void Builder::add_step(StepSpec step) { steps_.push_back(std::move(step)); }

Program Builder::finish() {
  // Graph outputs leave in dense row-major layout, written straight into the tensors the
  // run returns.
  for (std::size_t i = 0; i < graph_.outputs.size(); ++i) {
    const std::string& name = graph_.outputs[i];
    const Value v = value(name);
    const md_t dense = plain_desc(shape(name));
    if (v.md == dense) {
      add_step({name, "output", {v}, [v, i](const Binding& b) -> Runner {
                  const std::byte* src = b.address(v);
                  const std::size_t n = v.md.get_size();
                  return [src, i, n](const RunEnv& env) { std::memcpy(env.outputs[i].bytes().data(), src, n); };
                }});
    } else {
      const dnnl::reorder::primitive_desc pd(ctx_.engine, v.md, ctx_.engine, dense);
      add_step({name, "output", {v}, [v, i, dense, pd](const Binding& b) -> Runner {
                  memory src = b.memory(v);
                  memory dst(dense, b.engine(), DNNL_MEMORY_NONE);
                  dnnl::reorder prim(pd);
                  return [src, dst, prim, i](const RunEnv& env) {
                    dst.set_data_handle(env.outputs[i].bytes().data());
                    prim.execute(env.stream, {{DNNL_ARG_FROM, src}, {DNNL_ARG_TO, dst}});
                  };
                }});
    }
  }

  // An input copied into the arena that no step reads (its only reader converted it
  // straight from the caller's tensor) is not copied at all. The copies are the first steps.
  for (std::size_t i = inputs_.size(); i-- > 0;) {
    const bool read = std::any_of(steps_.begin() + static_cast<std::ptrdiff_t>(inputs_.size()), steps_.end(),
                                  [&](const StepSpec& s) {
                                    return std::any_of(s.uses.begin(), s.uses.end(), [&](const Value& v) {
                                      return !v.is_constant() && plan_.shares_bytes(v.buffer, inputs_[i].buffer);
                                    });
                                  });
    if (!read) steps_.erase(steps_.begin() + static_cast<std::ptrdiff_t>(i));
  }
  for (std::size_t s = 0; s < steps_.size(); ++s)
    for (const Value& v : steps_[s].uses)
      if (!v.is_constant()) plan_.use(v.buffer, s);
  plan_.assign();

  Program p;
  p.arena = memory(bytes_desc(plan_.arena_bytes()), ctx_.engine);
  p.scratchpad = memory(bytes_desc(scratchpad_bytes_), ctx_.engine);
  p.arena_bytes = plan_.arena_bytes();
  p.unplanned_bytes = plan_.total_bytes();
  p.scratchpad_bytes = scratchpad_bytes_;
  p.constant_bytes = constant_bytes_;
  p.constants = std::move(constants_);
  p.reorders = reorders_;
  p.sums_in_place = sums_in_place_;
  p.sum_copies = sum_copies_;
  p.single_thread_steps =
      static_cast<std::size_t>(std::count_if(steps_.begin(), steps_.end(), [](const StepSpec& s) { return s.threads == 1; }));
  p.implementations = implementations_;
  p.implementations_by_op = implementations_by_op_;
  const Binding binding(ctx_.engine, static_cast<std::byte*>(p.arena.get_data_handle()), plan_, p.scratchpad);
  p.steps.reserve(steps_.size());
  for (auto& s : steps_) p.steps.push_back({std::move(s.name), std::move(s.op), s.bind(binding), s.threads});
  steps_.clear();
  return p;
}

}  // namespace eb::cpu
