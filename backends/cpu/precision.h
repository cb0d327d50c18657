// Which precision a compiled graph runs in, and why.
//
// fp32 is the default and always available. bf16 and int8 are used only where this
// CPU's oneDNN kernels support them, which is found out by creating a small primitive of
// that type (oneDNN 2.6 refuses bf16 below AVX-512 and int8 below SSE4.1). The choice
// and its reason go into the executable's info() and so into every result record.
#pragma once

#include <string>

#include <oneapi/dnnl/dnnl.hpp>

#include "core/backend.h"

namespace eb::cpu {

struct Capabilities {
  std::string isa;  // oneDNN's effective instruction set ("avx2", "avx512_core_bf16", ...)
  bool bf16 = false;
  bool int8 = false;
  // The implementation oneDNN picks for a small fp32 matmul ("brg:avx2", "gemm:jit", ...).
  // "ref..." means oneDNN found no JIT kernels for this CPU (below SSE4.1): the backend
  // then refuses to run (probe says so) rather than benchmark oneDNN's reference loops.
  std::string fp32_impl;
  bool has_jit() const { return !fp32_impl.empty() && !fp32_impl.starts_with("ref"); }
};

Capabilities detect_capabilities(const dnnl::engine& engine);

struct PrecisionChoice {
  Precision requested = Precision::fp32;
  Precision effective = Precision::fp32;
  std::string reason;
};

PrecisionChoice choose_precision(Precision requested, const Capabilities& caps);

}  // namespace eb::cpu
