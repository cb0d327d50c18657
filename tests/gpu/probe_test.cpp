// The gpu backend's face to the rest of edgebench: probe() (which must answer, not crash,
// on a machine without a GPU or driver), its place in the registry, its precisions and
// its options. None of these need a device.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/registry.h"

#ifdef EB_HAVE_GPU
#include "backends/gpu/options.h"
#include "tests/gpu/gpu_test_support.h"

namespace eb {
namespace {

TEST(GpuProbe, AnswersWithAReasonOrADevice) {
  const Probe p = make_gpu_backend()->probe();
  if (p.available) {
    EXPECT_TRUE(p.reason.empty());
    EXPECT_FALSE(p.device.empty());
  } else {
    EXPECT_FALSE(p.reason.empty());
    std::printf("gpu backend unavailable: %s\n", p.reason.c_str());
  }
}

TEST(GpuProbe, RegisteredAfterCpuAndBeforeReference) {
  const BackendRegistry r = make_backend_registry();
  std::vector<std::string_view> names;
  for (const Backend* b : r.all()) names.push_back(b->name());
  const auto at = [&](std::string_view n) { return std::find(names.begin(), names.end(), n) - names.begin(); };
  ASSERT_LT(at("gpu"), static_cast<std::ptrdiff_t>(names.size()));
  EXPECT_LT(at("gpu"), at("reference"));
  if (r.find("cpu")) {
    EXPECT_LT(at("cpu"), at("gpu"));
  }
}

TEST(GpuProbe, DeclaresFp32Fp16Bf16) {
  const auto p = make_gpu_backend()->precisions();
  EXPECT_EQ(p, (std::vector<Precision>{Precision::fp32, Precision::fp16, Precision::bf16}));
}

// The backend reads the framework's parse of its declarations: given values, defaults.
TEST(GpuOptions, ReadsEveryOption) {
  const auto backend = make_gpu_backend();
  CompileOptions o;
  o.precision = Precision::bf16;
  o.extra = {{"gpu.device", "1"}, {"gpu.tf32", "1"}, {"gpu.cuda_graph", "0"}, {"gpu.conv_algo", "heuristic"}, {"unrelated", "x"}};
  const gpu::GpuOptions g = gpu::GpuOptions::from(o.precision, backend->resolved_options(o));
  EXPECT_EQ(g.device, 1);
  EXPECT_EQ(g.precision, Precision::bf16);
  EXPECT_TRUE(g.tf32);
  EXPECT_FALSE(g.cuda_graph);
  EXPECT_EQ(g.conv_algo, gpu::ConvAlgoSearch::heuristic);
  const gpu::GpuOptions d = gpu::GpuOptions::from(Precision::fp32, backend->resolved_options(CompileOptions{}));
  EXPECT_EQ(d.device, 0);
  EXPECT_FALSE(d.tf32);
  EXPECT_TRUE(d.cuda_graph);
  EXPECT_EQ(d.conv_algo, gpu::ConvAlgoSearch::find);
}

TEST(GpuOptions, RejectsBadValues) {
  const auto backend = make_gpu_backend();
  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"gpu.device", "-1"}, {"gpu.device", "gpu0"}, {"gpu.tf32", "yes please"}, {"gpu.cuda_graph", "2"}, {"gpu.conv_algo", "fastest"}}) {
    CompileOptions o;
    o.extra[key] = value;
    EXPECT_THROW((void)backend->resolved_options(o), std::invalid_argument) << key << "=" << value;
  }
  EXPECT_THROW(gpu::GpuOptions::from(Precision::int8, backend->resolved_options(CompileOptions{})), std::invalid_argument);
}

}  // namespace
}  // namespace eb

#else

TEST(GpuBackend, NotBuilt) { GTEST_SKIP() << "gpu backend not built (CMake found no CUDA compiler with cuBLAS and cuDNN 9)"; }

#endif
