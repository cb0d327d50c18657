#include "backends/cpu/ops/moe_experts.h"

#include <algorithm>
#include <numeric>

#include <omp.h>

namespace eb::cpu {

using dnnl::memory;

ExpertLayers::ExpertLayers(const dnnl::matmul::primitive_desc& fc1_pd, const dnnl::matmul::primitive_desc& fc2_pd,
                           memory::dim dim, memory::dim hidden, const dnnl::engine& engine, int threads,
                           ExpertWeights weights, ExpertBuffers buffers)
    : fc1_(fc1_pd),
      fc2_(fc2_pd),
      fc1_w_md_(fc1_pd.weights_desc()),
      fc1_b_md_(fc1_pd.bias_desc()),
      fc2_w_md_(fc2_pd.weights_desc()),
      fc2_b_md_(fc2_pd.bias_desc()),
      D_(dim),
      H_(hidden),
      engine_(engine),
      threads_(std::max(threads, 1)),
      w_(weights),
      buf_(buffers) {
  const std::size_t scratch = std::max(fc1_pd.scratchpad_desc().get_size(), fc2_pd.scratchpad_desc().get_size());
  const memory::desc scratch_md({static_cast<memory::dim>(std::max<std::size_t>(scratch, 1))}, memory::data_type::u8,
                                memory::format_tag::x);
  for (int t = 0; t < threads_; ++t) {
    streams_.emplace_back(engine_);
    scratchpads_.emplace_back(scratch_md, engine_);
  }
}

void ExpertLayers::run_expert(const dnnl::stream& stream, const memory& scratchpad, memory::dim e, memory::dim lo,
                              memory::dim rows) const {
  const auto f32 = memory::data_type::f32;
  const auto ab = memory::format_tag::ab;
  const memory::desc in_md({rows, D_}, f32, ab), hid_md({rows, H_}, f32, ab);
  // oneDNN takes non-const handles for every argument; weights are only read.
  auto* fc1_w = const_cast<float*>(w_.fc1_w + e * H_ * D_);
  auto* fc1_b = const_cast<float*>(w_.fc1_b + e * H_);
  auto* fc2_w = const_cast<float*>(w_.fc2_w + e * D_ * H_);
  auto* fc2_b = const_cast<float*>(w_.fc2_b + e * D_);
  const memory hidden(hid_md, engine_, buf_.h + lo * H_);
  fc1_.execute(stream, {{DNNL_ARG_SRC, memory(in_md, engine_, buf_.x + lo * D_)},
                        {DNNL_ARG_WEIGHTS, memory(fc1_w_md_, engine_, fc1_w)},
                        {DNNL_ARG_BIAS, memory(fc1_b_md_, engine_, fc1_b)},
                        {DNNL_ARG_DST, hidden},
                        {DNNL_ARG_SCRATCHPAD, scratchpad}});
  fc2_.execute(stream, {{DNNL_ARG_SRC, hidden},
                        {DNNL_ARG_WEIGHTS, memory(fc2_w_md_, engine_, fc2_w)},
                        {DNNL_ARG_BIAS, memory(fc2_b_md_, engine_, fc2_b)},
                        {DNNL_ARG_DST, memory(in_md, engine_, buf_.y + lo * D_)},
                        {DNNL_ARG_SCRATCHPAD, scratchpad}});
}

void ExpertLayers::run(const dnnl::stream& stream, std::span<const memory::dim> first) const {
  const auto experts = static_cast<memory::dim>(first.size()) - 1;
  if (threads_ == 1) {
    for (memory::dim e = 0; e < experts; ++e) {
      const memory::dim lo = first[static_cast<std::size_t>(e)], rows = first[static_cast<std::size_t>(e + 1)] - lo;
      if (rows > 0) run_expert(stream, scratchpads_[0], e, lo, rows);  // an idle expert costs nothing
    }
    return;
  }
  // Deal the active experts out, largest first, each to the least loaded thread.
  std::vector<memory::dim> order;
  for (memory::dim e = 0; e < experts; ++e)
    if (first[static_cast<std::size_t>(e + 1)] > first[static_cast<std::size_t>(e)]) order.push_back(e);
  auto rows_of = [&](memory::dim e) { return first[static_cast<std::size_t>(e + 1)] - first[static_cast<std::size_t>(e)]; };
  std::stable_sort(order.begin(), order.end(), [&](memory::dim a, memory::dim b) { return rows_of(a) > rows_of(b); });
  std::vector<std::vector<memory::dim>> share(static_cast<std::size_t>(threads_));
  std::vector<memory::dim> load(static_cast<std::size_t>(threads_), 0);
  for (memory::dim e : order) {
    const auto t = static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
    share[t].push_back(e);
    load[t] += rows_of(e);
  }
#pragma omp parallel num_threads(threads_)
  {
    // A team smaller than asked for still covers every share.
    for (auto t = static_cast<std::size_t>(omp_get_thread_num()); t < share.size();
         t += static_cast<std::size_t>(omp_get_num_threads()))
      for (memory::dim e : share[t])
        run_expert(streams_[t], scratchpads_[t], e, first[static_cast<std::size_t>(e)], rows_of(e));
  }
  (void)stream;
}

}  // namespace eb::cpu
