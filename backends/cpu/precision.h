// Which precisions this CPU runs, and why not the others.
//
// fp32 is the default and always available. bf16 and int8 are offered only where this
// CPU's oneDNN has JIT kernels for them, which is found out by creating a small matmul of
// that type: bf16 where the CPU has native bf16 (avx512_core_bf16 or AMX; oneDNN 2.6
// would emulate it on plain AVX-512, which is not offered), int8 from SSE4.1 on (VNNI from
// avx512_core_vnni / avx2_vnni).
// A precision the CPU cannot run is refused with the reason, never run as another.
//
//   bf16  convolutions, linear layers and matmuls read bf16 sources and weights, accumulate
//         in f32 and write f32; every other operator and the graph's interface stay f32.
//   int8  the edgetpu backend's quantised graph on oneDNN int8 primitives (int8_lowering.h).
#pragma once

#include <string>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "core/backend.h"

namespace eb::cpu {

struct Capabilities {
  std::string isa;  // oneDNN's effective instruction set ("avx2", "avx512_core_bf16", ...)
  bool bf16 = false;
  bool int8 = false;
  // The implementations oneDNN picks for a small matmul of each type ("brg:avx2",
  // "gemm:jit", ...; "" when it has none). "ref..." means oneDNN found no JIT kernels for
  // this CPU (below SSE4.1): the backend then refuses to run (probe says so) rather than
  // benchmark oneDNN's reference loops.
  std::string fp32_impl, bf16_impl, int8_impl;
  bool has_jit() const { return !fp32_impl.empty() && !fp32_impl.starts_with("ref"); }
};

Capabilities detect_capabilities(const dnnl::engine& engine);

// The precisions compile() accepts on this CPU, fp32 first.
std::vector<Precision> runnable_precisions(const Capabilities& caps);

// One line per precision: what runs it here, or why it cannot ("bf16: brg:avx512_core_bf16
// (native bf16)", "fp16: oneDNN 2.6 has no fp16 CPU kernels").
std::string precision_notes(const Capabilities& caps);

struct PrecisionChoice {
  Precision precision = Precision::fp32;
  std::string reason;  // for the record
};

// Throws std::invalid_argument with the reason when this CPU cannot run `requested`.
PrecisionChoice choose_precision(Precision requested, const Capabilities& caps);

}  // namespace eb::cpu
