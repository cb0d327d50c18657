// The host fallback (bench/host_fallback.h): fallback partitions run on the cpu backend at
// fp32 when the device's precision allows it, on the reference kernels otherwise, and the
// partitioned executable names the backend that ran its host stages.
#include <gtest/gtest.h>

#include <cmath>

#include "bench/host_fallback.h"
#include "core/partition.h"
#include "core/reference/reference_backend.h"
#include "core/seeded_init.h"

namespace eb::bench {
namespace {

//  a = linear(x)  on the fake device;  b = gelu(a), c = softmax(b)  on the host.
Graph test_graph() {
  GraphBuilder b("hf");
  const auto x = b.input("x", {1, 4, 16});
  const auto w = b.weight("w", {16, 16}, WeightInit::with_std(0.3));
  const auto a = b.add(OpKind::linear, LinearAttrs{Activation::none, false}, {x, w}, "a");
  const auto g = b.add(OpKind::gelu, NoAttrs{}, {a}, "b");
  const auto s = b.add(OpKind::softmax, SoftmaxAttrs{-1}, {g}, "c");
  b.output(s);
  return b.finish();
}

// A device that takes linear layers only, runs them on the reference kernels and reports a
// modeled device time, so that the other nodes form a host stage.
class LinearOnly final : public Backend {
 public:
  std::string_view name() const override { return "fake"; }
  std::string_view description() const override { return "test double: linear only"; }
  Probe probe() const override { return {true, "", "fake device"}; }
  std::vector<Precision> precisions() const override { return {Precision::fixed, Precision::int8}; }
  std::string unsupported_reason(const Graph&, const Node& n, const CompileOptions&) const override {
    return n.op == OpKind::linear ? "" : "not linear";
  }
  std::unique_ptr<Executable> compile(const Graph& g, const Weights& w, const CompileOptions& o) const override {
    return std::make_unique<Exe>(ref_->compile(g, w, o));
  }

 private:
  struct Exe final : Executable {
    explicit Exe(std::unique_ptr<Executable> e) : inner(std::move(e)) {}
    std::vector<Tensor> run(std::span<const Tensor> in) override { return inner->run(in); }
    std::optional<DeviceTime> last_device_time() const override { return DeviceTime{.ns = 1000, .provenance = Provenance::modeled("fake")}; }
    std::unique_ptr<Executable> inner;
  };
  std::unique_ptr<Backend> ref_ = make_reference_backend();
};

bool cpu_available(const BackendRegistry& r) {
  const Backend* cpu = r.find("cpu");
  return cpu && cpu->probe().available;
}

TEST(HostFallback, RunsFallbackPartitionsOnTheCpuBackendAtFp32) {
  const BackendRegistry registry = make_backend_registry();
  const auto host = make_host_fallback(registry);
  const Graph g = test_graph();
  const Weights w = init_weights(g, 5);
  const auto inputs = random_inputs(g, 6);
  LinearOnly device;
  CompileOptions fixed;
  fixed.precision = Precision::fixed;
  auto exe = compile_partitioned(g, w, device, *host, fixed);
  const auto out = exe->run(inputs);
  const std::string want = cpu_available(registry) ? "cpu" : "reference";
  EXPECT_EQ(exe->info().at(kHostBackendInfoKey), want);
  const auto dt = exe->last_device_time();
  ASSERT_TRUE(dt.has_value());
  EXPECT_EQ(dt->host_what, "1 fallback partition on " + std::string(want == "cpu" ? "the cpu backend" : "the reference kernels"));
  // The same values as the reference everywhere (fp32 on both sides of the boundary).
  auto ref = compile_partitioned(g, w, registry.reference(), registry.reference(), {});
  const auto want_out = ref->run(inputs);
  const auto a = out.at(0).data<float>(), b = want_out.at(0).data<float>();
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-5) << i;
}

// An int8 device keeps the reference for its fallback partitions, as before.
TEST(HostFallback, KeepsTheReferenceForAnInt8Device) {
  const BackendRegistry registry = make_backend_registry();
  const auto host = make_host_fallback(registry);
  const Graph g = test_graph();
  const Weights w = init_weights(g, 5);
  LinearOnly device;
  CompileOptions int8;
  int8.precision = Precision::int8;
  auto exe = compile_partitioned(g, w, device, *host, int8);
  exe->run(random_inputs(g, 6));
  EXPECT_EQ(exe->info().at(kHostBackendInfoKey), "reference");
  EXPECT_EQ(exe->last_device_time()->host_what, "1 fallback partition on the reference kernels");
}

}  // namespace
}  // namespace eb::bench
