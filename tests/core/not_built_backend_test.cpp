// Optional backends that a build leaves out are still listed, unavailable, with the reason
// CMake gave, so `edgebench list` and `--backend NAME` say why instead of "unknown backend".
#include <gtest/gtest.h>

#include <stdexcept>

#include "backends/not_built_backend.h"
#include "core/graph.h"
#include "core/registry.h"

namespace eb {
namespace {

TEST(NotBuiltBackend, ListedNeverAvailableAndSaysWhy) {
  const auto b = make_not_built_backend("gpu", "NVIDIA GPU", "no CUDA compiler (nvcc) found when this build was configured");
  EXPECT_EQ(b->name(), "gpu");
  EXPECT_NE(b->description().find("not in this build"), std::string_view::npos);
  const Probe p = b->probe();
  EXPECT_FALSE(p.available);
  EXPECT_EQ(p.reason, "not built: no CUDA compiler (nvcc) found when this build was configured");
  GraphBuilder g("one");
  g.output(g.add(OpKind::relu, NoAttrs{}, {g.input("x", {4})}, "y"));
  const Graph graph = g.finish();
  EXPECT_FALSE(b->supports(graph, graph.nodes[0], {}));
  try {
    b->compile(graph, Weights{}, {});
    FAIL() << "compile of a backend that is not built must throw";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("gpu backend not built: no CUDA compiler"), std::string::npos) << e.what();
  }
}

// Whatever this build has, every backend the project knows is in the registry: built ones
// as themselves, the others as placeholders that say why.
TEST(NotBuiltBackend, RegistryListsEveryBackend) {
  const BackendRegistry r = make_backend_registry();
  for (const char* name : {"cpu", "gpu", "fpga", "edgetpu", "reference"}) {
    const Backend* b = r.find(name);
    ASSERT_NE(b, nullptr) << name;
    const Probe p = b->probe();
    if (!p.available) {
      EXPECT_FALSE(p.reason.empty()) << name;
    }
  }
}

}  // namespace
}  // namespace eb
