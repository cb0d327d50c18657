// Mixture-of-experts kernels: the gate (logits, softmax, top-k), the routing (each
// token's slot among its expert's tokens, and the per-expert offsets), the gather into
// per-expert row blocks, the bias+activation between the two expert layers, and the
// weighted combine. The expert GEMMs themselves are cuBLAS calls (ops/moe.cpp).
//
// Everything is deterministic: slots follow token order (a block-wide prefix sum per
// expert, no atomics), and the combine sums a token's k contributions in rank order.
#include "backends/gpu/kernels/common.cuh"

namespace eb::gpu::kernels {
namespace {

// One thread per (token, expert): consecutive threads read consecutive gate columns.
template <class T>
__global__ void gate_logits_kernel(const T* __restrict__ x, const float* __restrict__ gate, i64 tokens, i64 d, int experts,
                                   float* __restrict__ logits) {
  const i64 n = tokens * experts;
  for (i64 i = blockIdx.x * static_cast<i64>(blockDim.x) + threadIdx.x; i < n; i += static_cast<i64>(gridDim.x) * blockDim.x) {
    const i64 t = i / experts, e = i % experts;
    const T* xt = x + t * d;
    float acc = 0.0f;
    for (i64 j = 0; j < d; ++j) acc += to_float(xt[j]) * gate[j * experts + e];
    logits[i] = acc;
  }
}

// One thread per token: softmax over the experts, then k rounds of "largest remaining
// probability", the strict '>' keeping the lower index on ties (as the reference).
__global__ void gate_topk_kernel(const float* __restrict__ logits, i64 tokens, int experts, int top_k, bool renormalize,
                                 int* __restrict__ expert, float* __restrict__ weight) {
  for (i64 t = blockIdx.x * static_cast<i64>(blockDim.x) + threadIdx.x; t < tokens; t += static_cast<i64>(gridDim.x) * blockDim.x) {
    const float* l = logits + t * experts;
    float p[kMaxExperts];
    float mx = -INFINITY;
    for (int e = 0; e < experts; ++e) mx = fmaxf(mx, l[e]);
    float sum = 0.0f;
    for (int e = 0; e < experts; ++e) {
      p[e] = expf(l[e] - mx);
      sum += p[e];
    }
    for (int e = 0; e < experts; ++e) p[e] /= sum;
    unsigned long long taken = 0;
    int chosen[kMaxTopK];
    float chosen_sum = 0.0f;
    for (int r = 0; r < top_k; ++r) {
      int best = -1;
      for (int e = 0; e < experts; ++e)
        if (!((taken >> e) & 1ull) && (best < 0 || p[e] > p[best])) best = e;
      taken |= 1ull << best;
      chosen[r] = best;
      chosen_sum += p[best];
    }
    for (int r = 0; r < top_k; ++r) {
      expert[t * top_k + r] = chosen[r];
      weight[t * top_k + r] = renormalize ? p[chosen[r]] / chosen_sum : p[chosen[r]];
    }
  }
}

// Block e walks the tokens in order, a chunk of blockDim.x at a time; a token that chose
// e gets the next slot (warp ballots plus a scan of the warp totals). counts[e] receives
// the number of tokens of expert e.
__global__ void route_kernel(const int* __restrict__ expert, i64 tokens, int top_k, int* __restrict__ slot,
                             int* __restrict__ counts) {
  __shared__ int warp_totals[kWarpsPerBlock];
  __shared__ int running;
  const int e = static_cast<int>(blockIdx.x);
  const int lane = static_cast<int>(threadIdx.x % 32), warp = static_cast<int>(threadIdx.x / 32);
  if (threadIdx.x == 0) running = 0;
  __syncthreads();
  for (i64 base = 0; base < tokens; base += blockDim.x) {
    const i64 t = base + threadIdx.x;
    int rank = -1;
    if (t < tokens)
      for (int r = 0; r < top_k; ++r)
        if (expert[t * top_k + r] == e) rank = r;
    const unsigned mask = __ballot_sync(0xffffffffu, rank >= 0);
    if (lane == 0) warp_totals[warp] = __popc(mask);
    __syncthreads();
    int before = running;
    for (int w = 0; w < warp; ++w) before += warp_totals[w];
    if (rank >= 0) slot[t * top_k + rank] = before + __popc(mask & ((1u << lane) - 1u));
    __syncthreads();  // every thread has read `running` and the totals
    if (threadIdx.x == 0) {
      int total = 0;
      for (int w = 0; w < kWarpsPerBlock; ++w) total += warp_totals[w];
      running += total;
    }
    __syncthreads();
  }
  if (threadIdx.x == 0) counts[e] = running;
}

// offsets[0] = 0, offsets[e+1] = Σ counts up to e; the counts are in offsets[1..E].
__global__ void offsets_kernel(int* offsets, int experts) {
  offsets[0] = 0;
  for (int e = 0; e < experts; ++e) offsets[e + 1] += offsets[e];
}

template <class T>
__global__ void gather_kernel(const T* __restrict__ x, const int* __restrict__ expert, const int* __restrict__ slot,
                              const int* __restrict__ offsets, i64 tokens, int top_k, i64 d, T* __restrict__ rows) {
  const i64 n = tokens * top_k * d;
  for (i64 i = blockIdx.x * static_cast<i64>(blockDim.x) + threadIdx.x; i < n; i += static_cast<i64>(gridDim.x) * blockDim.x) {
    const i64 tr = i / d, j = i % d;  // tr = token·k + rank
    const i64 row = offsets[expert[tr]] + slot[tr];
    rows[row * d + j] = x[(tr / top_k) * d + j];
  }
}

template <class T>
__global__ void expert_bias_activation_kernel(T* rows, const float* __restrict__ bias, const int* __restrict__ offsets,
                                              int experts, i64 n_rows, i64 h, Activation act) {
  const i64 n = n_rows * h;
  for (i64 i = blockIdx.x * static_cast<i64>(blockDim.x) + threadIdx.x; i < n; i += static_cast<i64>(gridDim.x) * blockDim.x) {
    const i64 row = i / h, c = i % h;
    int e = 0;  // the expert whose block [offsets[e], offsets[e+1]) holds the row
    while (e < experts - 1 && offsets[e + 1] <= row) ++e;
    rows[i] = from_float<T>(activate(act, to_float(rows[i]) + bias[e * h + c]));
  }
}

template <class T>
__global__ void combine_kernel(const T* __restrict__ out, const int* __restrict__ expert, const int* __restrict__ slot,
                               const int* __restrict__ offsets, const float* __restrict__ weight,
                               const float* __restrict__ bias, i64 tokens, int top_k, i64 d, T* __restrict__ y) {
  const i64 n = tokens * d;
  for (i64 i = blockIdx.x * static_cast<i64>(blockDim.x) + threadIdx.x; i < n; i += static_cast<i64>(gridDim.x) * blockDim.x) {
    const i64 t = i / d, j = i % d;
    float acc = 0.0f;
    for (int r = 0; r < top_k; ++r) {
      const i64 tr = t * top_k + r;
      const int e = expert[tr];
      const i64 row = offsets[e] + slot[tr];
      acc += weight[tr] * (to_float(out[row * d + j]) + bias[e * d + j]);
    }
    y[i] = from_float<T>(acc);
  }
}

}  // namespace

void moe_gate(const void* x, DType t, const float* gate, i64 tokens, i64 d, int experts, int top_k, bool renormalize,
              float* logits, int* expert, float* weight, cudaStream_t stream) {
  if (tokens == 0) return;
  dispatch(t, [&]<class T>() {
    gate_logits_kernel<T><<<grid_for(tokens * experts), kThreads, 0, stream>>>(static_cast<const T*>(x), gate, tokens, d,
                                                                                experts, logits);
  });
  check_launch("gate_logits_kernel");
  gate_topk_kernel<<<grid_for(tokens), kThreads, 0, stream>>>(logits, tokens, experts, top_k, renormalize, expert, weight);
  check_launch("gate_topk_kernel");
}

void moe_route(const int* expert, i64 tokens, int top_k, int experts, int* slot, int* offsets, cudaStream_t stream) {
  route_kernel<<<static_cast<unsigned>(experts), kThreads, 0, stream>>>(expert, tokens, top_k, slot, offsets + 1);
  check_launch("route_kernel");
  offsets_kernel<<<1, 1, 0, stream>>>(offsets, experts);
  check_launch("offsets_kernel");
}

void moe_gather(const void* x, DType t, const int* expert, const int* slot, const int* offsets, i64 tokens, int top_k,
                i64 d, void* rows, cudaStream_t stream) {
  const i64 n = tokens * top_k * d;
  if (n == 0) return;
  dispatch(t, [&]<class T>() {
    gather_kernel<T><<<grid_for(n), kThreads, 0, stream>>>(static_cast<const T*>(x), expert, slot, offsets, tokens, top_k, d,
                                                          static_cast<T*>(rows));
  });
  check_launch("gather_kernel");
}

void moe_bias_activation(void* rows, DType t, const float* bias, const int* offsets, int experts, i64 n_rows, i64 h,
                         Activation act, cudaStream_t stream) {
  const i64 n = n_rows * h;
  if (n == 0) return;
  dispatch(t, [&]<class T>() {
    expert_bias_activation_kernel<T><<<grid_for(n), kThreads, 0, stream>>>(static_cast<T*>(rows), bias, offsets, experts,
                                                                            n_rows, h, act);
  });
  check_launch("expert_bias_activation_kernel");
}

void moe_combine(const void* expert_out, DType t, const int* expert, const int* slot, const int* offsets,
                 const float* weight, const float* bias, i64 tokens, int top_k, i64 d, void* y, cudaStream_t stream) {
  const i64 n = tokens * d;
  if (n == 0) return;
  dispatch(t, [&]<class T>() {
    combine_kernel<T><<<grid_for(n), kThreads, 0, stream>>>(static_cast<const T*>(expert_out), expert, slot, offsets, weight,
                                                           bias, tokens, top_k, d, static_cast<T*>(y));
  });
  check_launch("combine_kernel");
}

}  // namespace eb::gpu::kernels
