#include "backends/cpu/precision.h"

namespace eb::cpu {

namespace {

using dnnl::memory;

std::string isa_name(dnnl::cpu_isa isa) {
  switch (isa) {
    case dnnl::cpu_isa::sse41: return "sse41";
    case dnnl::cpu_isa::avx: return "avx";
    case dnnl::cpu_isa::avx2: return "avx2";
    case dnnl::cpu_isa::avx2_vnni: return "avx2_vnni";
    case dnnl::cpu_isa::avx512_core: return "avx512_core";
    case dnnl::cpu_isa::avx512_core_vnni: return "avx512_core_vnni";
    case dnnl::cpu_isa::avx512_core_bf16: return "avx512_core_bf16";
    case dnnl::cpu_isa::avx512_core_amx: return "avx512_core_amx";
    default: return "other";
  }
}

// The implementation of oneDNN's matmul for these source/weights types on this CPU, or
// "" when it has none.
std::string matmul_impl(const dnnl::engine& engine, memory::data_type src, memory::data_type wei) {
  try {
    const memory::desc a({64, 64}, src, memory::format_tag::ab), b({64, 64}, wei, memory::format_tag::any),
        c({64, 64}, memory::data_type::f32, memory::format_tag::ab);
    dnnl::matmul::primitive_desc pd({a, b, c}, engine);
    return pd.impl_info_str();
  } catch (const dnnl::error&) {
    return "";
  }
}

// Reference (non-JIT) kernels exist for every type on every CPU; they do not count.
bool has_kernels(const std::string& impl) { return !impl.empty() && !impl.starts_with("ref"); }

}  // namespace

Capabilities detect_capabilities(const dnnl::engine& engine) {
  Capabilities c;
  c.isa = isa_name(dnnl::get_effective_cpu_isa());
  c.bf16 = has_kernels(matmul_impl(engine, memory::data_type::bf16, memory::data_type::bf16));
  c.int8 = has_kernels(matmul_impl(engine, memory::data_type::u8, memory::data_type::s8));
  c.fp32_impl = matmul_impl(engine, memory::data_type::f32, memory::data_type::f32);
  return c;
}

PrecisionChoice choose_precision(Precision requested, const Capabilities& caps) {
  PrecisionChoice c{requested, Precision::fp32, {}};
  switch (requested) {
    case Precision::fp32: c.reason = "fp32 requested"; break;
    case Precision::bf16:
      c.reason = caps.bf16 ? "bf16 requested; this CPU (" + caps.isa +
                                 ") has oneDNN bf16 kernels, but the cpu backend has no bf16 lowering yet: ran fp32"
                           : "bf16 requested; oneDNN 2.6 has no bf16 kernels for this CPU (" + caps.isa +
                                 ", needs avx512_core): ran fp32";
      break;
    case Precision::int8:
      c.reason = caps.int8 ? "int8 requested; this CPU (" + caps.isa +
                                 ") has oneDNN int8 kernels, but the cpu backend has no int8 lowering yet: ran fp32"
                           : "int8 requested; oneDNN has no int8 kernels for this CPU (" + caps.isa + "): ran fp32";
      break;
    case Precision::fp16: c.reason = "fp16 requested; oneDNN 2.6 has no fp16 CPU kernels: ran fp32"; break;
    case Precision::fixed: c.reason = "fixed-point requested; that is the FPGA datapath's format: ran fp32"; break;
  }
  return c;
}

}  // namespace eb::cpu
