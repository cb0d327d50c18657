// The expert layers of a mixture-of-experts node at run time: for each expert that
// received tokens, fc1 (+ bias + activation) and fc2 (+ bias) over its block of rows of
// the gathered tokens.
//
// The blocks are small (tokens·top_k/experts rows, 16 for M³ViT), so splitting each
// product across threads costs more in synchronisation than it gains. With several
// threads the experts are instead dealt out whole (largest first, each to the least
// loaded thread) and every product runs single-threaded inside one OpenMP region; oneDNN
// runs a primitive called from inside a parallel region on the calling thread only. Each
// thread has its own stream and scratchpad, as concurrent executions require.
#pragma once

#include <span>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

namespace eb::cpu {

struct ExpertWeights {
  const float* fc1_w;  // E slices of H·D floats
  const float* fc1_b;  // [E, H]
  const float* fc2_w;  // E slices of D·H floats
  const float* fc2_b;  // [E, D]
};

struct ExpertBuffers {
  float* x;  // gathered tokens [rows, D], grouped by expert
  float* h;  // hidden [rows, H]
  float* y;  // expert outputs [rows, D]
};

class ExpertLayers {
 public:
  // fc1_pd and fc2_pd: matmuls with a run-time row count; expert e's weights are the
  // H·D floats at fc1_w + e·H·D (fc2_w + e·D·H) in the layout the pds declare.
  ExpertLayers(const dnnl::matmul::primitive_desc& fc1_pd, const dnnl::matmul::primitive_desc& fc2_pd,
               dnnl::memory::dim dim, dnnl::memory::dim hidden, const dnnl::engine& engine, int threads,
               ExpertWeights weights, ExpertBuffers buffers);

  // first[e] .. first[e+1]-1 are expert e's rows.
  void run(const dnnl::stream& stream, std::span<const dnnl::memory::dim> first) const;

 private:
  void run_expert(const dnnl::stream& stream, const dnnl::memory& scratchpad, dnnl::memory::dim e,
                  dnnl::memory::dim lo, dnnl::memory::dim rows) const;

  dnnl::matmul fc1_, fc2_;
  dnnl::memory::desc fc1_w_md_, fc1_b_md_, fc2_w_md_, fc2_b_md_;
  dnnl::memory::dim D_, H_;
  dnnl::engine engine_;
  int threads_;
  ExpertWeights w_;
  ExpertBuffers buf_;
  std::vector<dnnl::stream> streams_;      // one per thread (used when threads > 1)
  std::vector<dnnl::memory> scratchpads_;  // one per thread
};

}  // namespace eb::cpu
