#include "backends/cpu/precision.h"

#include <stdexcept>

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
std::string matmul_impl(const dnnl::engine& engine, memory::data_type src, memory::data_type wei, memory::data_type dst) {
  try {
    const memory::desc a({64, 64}, src, memory::format_tag::ab), b({64, 64}, wei, memory::format_tag::any),
        c({64, 64}, dst, memory::format_tag::ab);
    dnnl::matmul::primitive_desc pd({a, b, c}, engine);
    return pd.impl_info_str();
  } catch (const dnnl::error&) {
    return "";
  }
}

// Reference (non-JIT) kernels exist for every type on every CPU; they do not count.
bool has_kernels(const std::string& impl) { return !impl.empty() && !impl.starts_with("ref"); }

// oneDNN 2.6 runs bf16 on plain AVX-512 by emulating the conversions in software; only
// from avx512_core_bf16 on does the CPU convert and multiply bf16 itself.
bool native_bf16(const std::string& isa) { return isa == "avx512_core_bf16" || isa == "avx512_core_amx"; }

bool vnni(const std::string& isa) {
  return isa == "avx512_core_vnni" || isa == "avx512_core_bf16" || isa == "avx512_core_amx" || isa == "avx2_vnni";
}

std::string bf16_refusal(const Capabilities& caps) {
  return "this CPU (" + caps.isa + ") has no native bf16 arithmetic (avx512_core_bf16 or AMX); oneDNN's bf16 matmul here is '" +
         (caps.bf16_impl.empty() ? std::string("none") : caps.bf16_impl) + "'";
}

std::string int8_refusal(const Capabilities& caps) {
  return "oneDNN has no int8 JIT kernels for this CPU (" + caps.isa + "; it needs SSE4.1 or newer)";
}

}  // namespace

Capabilities detect_capabilities(const dnnl::engine& engine) {
  const auto f32 = memory::data_type::f32, bf16 = memory::data_type::bf16;
  Capabilities c;
  c.isa = isa_name(dnnl::get_effective_cpu_isa());
  c.fp32_impl = matmul_impl(engine, f32, f32, f32);
  c.bf16_impl = matmul_impl(engine, bf16, bf16, f32);
  c.int8_impl = matmul_impl(engine, memory::data_type::s8, memory::data_type::s8, memory::data_type::s8);
  // Emulated bf16 (plain AVX-512) converts in software and measures nothing a reader of
  // a bf16 figure expects: only native bf16 counts.
  c.bf16 = has_kernels(c.bf16_impl) && native_bf16(c.isa);
  c.int8 = has_kernels(c.int8_impl);
  return c;
}

std::vector<Precision> runnable_precisions(const Capabilities& caps) {
  std::vector<Precision> p{Precision::fp32};
  if (caps.bf16) p.push_back(Precision::bf16);
  if (caps.int8) p.push_back(Precision::int8);
  return p;
}

std::string precision_notes(const Capabilities& caps) {
  std::string s = "fp32: " + caps.fp32_impl;
  s += caps.bf16 ? "; bf16: " + caps.bf16_impl + " (native bf16)" : "; not bf16: " + bf16_refusal(caps);
  s += caps.int8 ? "; int8: " + caps.int8_impl + (vnni(caps.isa) ? " (VNNI)" : " (no VNNI: 16-bit products)")
                 : "; not int8: " + int8_refusal(caps);
  s += "; not fp16: oneDNN 2.6 has no fp16 CPU kernels; not fixed: the FPGA datapath's format";
  return s;
}

PrecisionChoice choose_precision(Precision requested, const Capabilities& caps) {
  const auto refuse = [](const std::string& why) -> PrecisionChoice {
    throw std::invalid_argument("cpu backend: cannot run this precision here: " + why);
  };
  switch (requested) {
    case Precision::fp32: return {Precision::fp32, "fp32 requested"};
    case Precision::bf16:
      if (!caps.bf16) return refuse("bf16: " + bf16_refusal(caps));
      return {Precision::bf16, "bf16 requested: convolutions, linear layers and matmuls in bf16 with f32 accumulation (" +
                                   caps.bf16_impl + "); other operators and the graph interface f32"};
    case Precision::int8:
      if (!caps.int8) return refuse("int8: " + int8_refusal(caps));
      return {Precision::int8, "int8 requested: the edgetpu backend's quantised graph on oneDNN int8 primitives (" +
                                   caps.int8_impl + (vnni(caps.isa) ? ", VNNI" : ", no VNNI") + ")"};
    case Precision::fp16: return refuse("fp16: oneDNN 2.6 has no fp16 CPU kernels");
    case Precision::fixed: return refuse("fixed: that is the FPGA datapath's format");
  }
  return refuse("unknown precision");
}

}  // namespace eb::cpu
