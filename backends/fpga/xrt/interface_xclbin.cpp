#include "backends/fpga/xrt/interface_xclbin.h"

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string_view>

#include <xclbin.h>

#include "backends/fpga/kernel_abi.h"

namespace eb::fpga {
namespace {

constexpr std::uint64_t kKernelBase = 0xA0000000;  // the ZCU102 design's AXI-lite base (hardware handoff)
constexpr std::uint64_t kBankKb = 4ull * 1024 * 1024;  // a 4 GiB DDR bank

std::string hex(std::uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string metadata_xml() {
  std::string x =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<project name=\"edge_moe\">\n"
      "  <platform vendor=\"xilinx\" boardid=\"zcu102\" name=\"edge_moe_interface\" featureRomTime=\"0\">\n"
      "    <version major=\"1\" minor=\"0\"/>\n"
      "    <description/>\n"
      "    <device name=\"fpga0\" fpgaDevice=\"zynquplus\" addrWidth=\"0\">\n"
      "      <core name=\"OCL_REGION_0\" target=\"hw\" type=\"clc_region\" clockFreq=\"300MHz\" numComputeUnits=\"1\">\n"
      "        <kernelClocks>\n"
      "          <clock port=\"KERNEL_CLK\" frequency=\"300MHz\"/>\n"
      "        </kernelClocks>\n";
  x += "        <kernel name=\"" + std::string(kKernelName) +
       "\" language=\"c\" vlnv=\"xilinx.com:hls:ViT_compute:1.0\" preferredWorkGroupSizeMultiple=\"0\" workGroupSize=\"1\" "
       "interrupt=\"true\" hwControlProtocol=\"ap_ctrl_hs\">\n";
  x += "          <port name=\"S_AXI_CONTROL\" mode=\"slave\" range=\"" + hex(kControlRange) +
       "\" dataWidth=\"32\" portType=\"addressable\" base=\"0x0\"/>\n";
  for (std::string_view port : {"M_AXI_INOUT1", "M_AXI_INOUT2", "M_AXI_INOUT3", "M_AXI_INOUT4", "M_AXI_WEIGHTS"})
    x += "          <port name=\"" + std::string(port) +
         "\" mode=\"master\" range=\"0xFFFFFFFFFFFFFFFF\" dataWidth=\"256\" portType=\"addressable\" base=\"0x0\"/>\n";
  const auto args = kernel_args();
  for (std::size_t i = 0; i < args.size(); ++i) {
    const KernelArg& a = args[i];
    const bool buffer = a.kind == ArgKind::buffer;
    x += "          <arg name=\"" + std::string(a.name) + "\" addressQualifier=\"" + (buffer ? "1" : "0") + "\" id=\"" +
         std::to_string(i) + "\" port=\"" + std::string(a.port) + "\" size=\"" + hex(a.size) + "\" offset=\"" + hex(a.offset) +
         "\" hostOffset=\"0x0\" hostSize=\"" + hex(a.size) + "\" type=\"" + (buffer ? "void*" : "unsigned int") + "\"/>\n";
  }
  x += "          <instance name=\"ViT_compute_1\">\n"
       "            <addrRemap base=\"" + hex(kKernelBase) + "\" range=\"" + hex(kControlRange) + "\" port=\"S_AXI_CONTROL\"/>\n"
       "          </instance>\n"
       "        </kernel>\n"
       "      </core>\n"
       "    </device>\n"
       "  </platform>\n"
       "</project>\n";
  return x;
}

template <class T>
std::vector<char> as_bytes(const T& v, std::size_t size = sizeof(T)) {
  std::vector<char> b(size, 0);
  std::memcpy(b.data(), &v, std::min(size, sizeof(T)));
  return b;
}

std::vector<char> mem_topology_section() {
  mem_topology t{};
  t.m_count = 1;
  mem_data& m = t.m_mem_data[0];
  m.m_type = MEM_DDR4;
  m.m_used = 1;
  m.m_size = kBankKb;
  m.m_base_address = 0;
  std::strncpy(reinterpret_cast<char*>(m.m_tag), "DDR[0]", sizeof m.m_tag - 1);
  return as_bytes(t);
}

std::vector<char> ip_layout_section() {
  ip_layout l{};
  l.m_count = 1;
  ip_data& ip = l.m_ip_data[0];
  ip.m_type = IP_KERNEL;
  ip.properties = IP_INT_ENABLE_MASK | (static_cast<std::uint32_t>(AP_CTRL_HS) << IP_CONTROL_SHIFT);
  ip.m_base_address = kKernelBase;
  const std::string name = std::string(kKernelName) + ":ViT_compute_1";
  std::strncpy(reinterpret_cast<char*>(ip.m_name), name.c_str(), sizeof ip.m_name - 1);
  return as_bytes(l);
}

std::vector<char> connectivity_section() {
  std::vector<connection> conns;
  const auto args = kernel_args();
  for (std::size_t i = 0; i < args.size(); ++i)
    if (args[i].kind == ArgKind::buffer) conns.push_back({static_cast<std::int32_t>(i), 0, 0});
  std::vector<char> b(sizeof(std::int32_t) + conns.size() * sizeof(connection), 0);
  const auto count = static_cast<std::int32_t>(conns.size());
  std::memcpy(b.data(), &count, sizeof count);
  static_assert(offsetof(connectivity, m_connection) == sizeof(std::int32_t));
  std::memcpy(b.data() + sizeof(std::int32_t), conns.data(), conns.size() * sizeof(connection));
  return b;
}

}  // namespace

std::vector<char> make_interface_xclbin() {
  struct Section {
    axlf_section_kind kind;
    const char* name;
    std::vector<char> data;
  };
  const std::string xml = metadata_xml();
  std::vector<Section> sections = {{MEM_TOPOLOGY, "mem_topology", mem_topology_section()},
                                   {IP_LAYOUT, "ip_layout", ip_layout_section()},
                                   {CONNECTIVITY, "connectivity", connectivity_section()},
                                   {EMBEDDED_METADATA, "metadata", std::vector<char>(xml.begin(), xml.end())}};

  const std::size_t header = sizeof(axlf) + (sections.size() - 1) * sizeof(axlf_section_header);
  auto align8 = [](std::size_t n) { return (n + 7) & ~std::size_t{7}; };
  std::size_t offset = align8(header);
  std::vector<std::size_t> offsets;
  for (const Section& s : sections) {
    offsets.push_back(offset);
    offset = align8(offset + s.data.size());
  }

  std::vector<char> out(offset, 0);
  axlf top{};
  std::memcpy(top.m_magic, "xclbin2", 8);
  top.m_signature_length = -1;
  std::memset(top.reserved, 0xFF, sizeof top.reserved);
  std::memset(top.m_keyBlock, 0xFF, sizeof top.m_keyBlock);
  top.m_uniqueId = 0xED6E30E5ull;
  top.m_header.m_length = out.size();
  top.m_header.m_timeStamp = 0;  // reproducible bytes
  top.m_header.m_versionMajor = 2;
  top.m_header.m_versionMinor = 13;
  top.m_header.m_mode = XCLBIN_FLAT;
  std::strncpy(reinterpret_cast<char*>(top.m_header.m_platformVBNV), "xilinx:zcu102:edge_moe_interface:1.0",
               sizeof top.m_header.m_platformVBNV - 1);
  // A fixed uuid identifying this interface description ("edge-moe-iface01").
  std::memcpy(&top.m_header.uuid, "edge-moe-iface01", 16);
  top.m_header.m_numSections = static_cast<std::uint32_t>(sections.size());
  std::memcpy(out.data(), &top, offsetof(axlf, m_sections));

  for (std::size_t i = 0; i < sections.size(); ++i) {
    axlf_section_header h{};
    h.m_sectionKind = sections[i].kind;
    std::strncpy(h.m_sectionName, sections[i].name, sizeof h.m_sectionName - 1);
    h.m_sectionOffset = offsets[i];
    h.m_sectionSize = sections[i].data.size();
    std::memcpy(out.data() + offsetof(axlf, m_sections) + i * sizeof(axlf_section_header), &h, sizeof h);
    std::memcpy(out.data() + offsets[i], sections[i].data.data(), sections[i].data.size());
  }
  return out;
}

void write_interface_xclbin(const std::string& path) {
  const auto bytes = make_interface_xclbin();
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!f) throw std::runtime_error("fpga: cannot write " + path);
}

}  // namespace eb::fpga
