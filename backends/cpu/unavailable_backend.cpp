#include "backends/cpu/unavailable_backend.h"

#include <stdexcept>

namespace eb {
namespace {

constexpr const char* kReason =
    "not built: oneDNN was not found when this build was configured (install Debian libdnnl-dev, "
    "then re-run cmake)";

class UnavailableCpuBackend final : public Backend {
 public:
  std::string_view name() const override { return "cpu"; }
  std::string_view description() const override { return "oneDNN primitives on the host CPU (not in this build)"; }
  Probe probe() const override { return {false, kReason, ""}; }
  bool supports(const Graph&, const Node&, const CompileOptions&) const override { return false; }
  std::unique_ptr<Executable> compile(const Graph&, const Weights&, const CompileOptions&) const override {
    throw std::runtime_error(std::string("cpu backend ") + kReason);
  }
};

}  // namespace

std::unique_ptr<Backend> make_cpu_unavailable_backend() { return std::make_unique<UnavailableCpuBackend>(); }

}  // namespace eb
