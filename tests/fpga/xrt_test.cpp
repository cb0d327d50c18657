// The XRT host path through XRT's no-hardware mode: XCL_EMULATION_MODE=noop with
// XILINX_XRT pointing at a folder whose lib/ links to the XRT libraries, and the interface
// xclbin written by edgebench. Device, xclbin, kernel, buffer objects by group id, the
// register map as XRT reads it, weight upload, start and wait all run; nothing computes.
//
// XRT reads its environment when it first initialises, so each case runs in a fresh child
// process (a "threadsafe" death test re-executes this binary for that one test).
#include <gtest/gtest.h>

#ifdef EB_FPGA_HAVE_XRT

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

#include <unistd.h>

#include "backends/fpga/fpga_backend.h"
#include "backends/fpga/kernel_abi.h"
#include "backends/fpga/kernel_image.h"
#include "backends/fpga/xrt/interface_xclbin.h"
#include "backends/fpga/xrt/runner.h"
#include "models/workload.h"

namespace eb::fpga {
namespace {

namespace fs = std::filesystem;

fs::path noop_home() { return fs::temp_directory_path() / ("eb_xrt_noop_" + std::to_string(::getpid())); }

// A private XILINX_XRT folder for this process, and the interface xclbin in it.
std::string enter_noop_mode() {
  const fs::path home = noop_home();
  fs::create_directories(home / "lib");
  for (const auto& e : fs::directory_iterator(EB_FPGA_XRT_LIBRARY_DIR)) {
    const std::string n = e.path().filename().string();
    if (n.rfind("libxrt", 0) == 0 && !fs::exists(home / "lib" / n)) fs::create_symlink(e.path(), home / "lib" / n);
  }
  ::setenv("XCL_EMULATION_MODE", "noop", 1);
  ::setenv("XILINX_XRT", home.c_str(), 1);
  const std::string xclbin = (home / "edge_moe_interface.xclbin").string();
  write_interface_xclbin(xclbin);
  return xclbin;
}

// Ends the child process; the folder goes either way (XRT has already mapped what it loaded).
[[noreturn]] void finish(int code, const std::string& why = "") {
  std::error_code ignored;
  fs::remove_all(noop_home(), ignored);
  if (!why.empty()) std::fprintf(stderr, "%s\n", why.c_str());
  std::exit(code);
}
[[noreturn]] void fail(const std::string& why) { finish(1, why); }

void runner_path() {
  const std::string xclbin = enter_noop_mode();
  const WorkloadRegistry reg = make_workload_registry();
  const Workload& w = reg.get("m3vit-backbone");
  const Graph g = w.build({});
  KernelImage image = make_m3vit_kernel_image(g, w.make_weights(g, 1), 1, PixelOptions{});
  stage_images(image, w.make_inputs(g, 1)[0], PixelOptions{});
  XrtRunner runner({xclbin, 0}, image);
  if (runner.mode() != "emulation: noop") fail("mode is " + runner.mode());
  const auto args = kernel_args();
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (runner.arg_offset(static_cast<int>(i)) != args[i].offset)
      fail(std::string(args[i].name) + " is at " + std::to_string(runner.arg_offset(static_cast<int>(i))) + " in XRT");
    if (args[i].kind == ArgKind::buffer && runner.arg_group(static_cast<int>(i)) != 0) fail(std::string(args[i].name) + " not in bank 0");
  }
  runner.upload_weights(image);
  runner.run(image);
  runner.run(image);  // weights stay resident; the second run does not reload them
  if (runner.board_power_w()) fail("the noop device reported board power");
  finish(0);
}

void backend_path() {
  const std::string xclbin = enter_noop_mode();
  const WorkloadRegistry reg = make_workload_registry();
  const Workload& w = reg.get("m3vit-backbone");
  const Graph g = w.build({});
  CompileOptions o;
  o.extra["fpga.xclbin"] = xclbin;
  auto exe = make_fpga_backend()->compile(g, w.make_weights(g, 1), o);
  const auto out = exe->run(w.make_inputs(g, 1));
  if (out.size() != 1 || out[0].shape() != Shape{1, 129, 192}) fail("wrong output");
  const auto info = exe->info();
  if (info.at("fpga.mode").find("XRT emulation: noop") == std::string::npos) fail("mode: " + info.at("fpga.mode"));
  if (exe->last_device_time()) fail("a no-hardware run must not report a device time");
  finish(0);
}

TEST(XrtNoHardwareDeathTest, RunnerDrivesTheKernelThroughXrt) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(runner_path(), ::testing::ExitedWithCode(0), "");
}

TEST(XrtNoHardwareDeathTest, BackendRunsThroughXrtWithAnXclbin) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(backend_path(), ::testing::ExitedWithCode(0), "");
}

TEST(XrtInterfaceXclbin, StartsWithTheAxlfMagic) {
  const auto bytes = make_interface_xclbin();
  ASSERT_GT(bytes.size(), 496u);
  EXPECT_EQ(std::string(bytes.data(), 7), "xclbin2");
}

}  // namespace
}  // namespace eb::fpga

#else

TEST(XrtNoHardware, RunnerNotBuilt) { GTEST_SKIP() << "XRT was not found at configure time (install libxrt-dev): the runner is not built"; }

#endif
