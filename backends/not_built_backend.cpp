#include "backends/not_built_backend.h"

#include <stdexcept>
#include <utility>

namespace eb {
namespace {

class NotBuiltBackend final : public Backend {
 public:
  NotBuiltBackend(std::string name, std::string description, std::string reason)
      : name_(std::move(name)), description_(std::move(description) + " (not in this build)"),
        reason_("not built: " + std::move(reason)) {}
  std::string_view name() const override { return name_; }
  std::string_view description() const override { return description_; }
  Probe probe() const override { return {false, reason_, ""}; }
  std::string unsupported_reason(const Graph&, const Node&, const CompileOptions&) const override { return reason_; }
  std::unique_ptr<Executable> compile(const Graph&, const Weights&, const CompileOptions&) const override {
    throw std::runtime_error(name_ + " backend " + reason_);
  }

 private:
  std::string name_;
  std::string description_;
  std::string reason_;
};

}  // namespace

std::unique_ptr<Backend> make_not_built_backend(std::string name, std::string description, std::string reason) {
  return std::make_unique<NotBuiltBackend>(std::move(name), std::move(description), std::move(reason));
}

}  // namespace eb
