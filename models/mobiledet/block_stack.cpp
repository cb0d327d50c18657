#include <fmt/format.h>

#include "models/mobiledet/backbones.h"

namespace eb::mobiledet {

void BlockStack::conv(std::int64_t filters, int kernel, int stride, Activation act) {
  h_ = net_.conv(h_, next("conv"),
                 {.filters = filters, .kernel = kernel, .stride = stride, .act = act, .bn_eps = kBackboneBnEps});
}

std::string BlockStack::next(const char* kind) { return fmt::format("{}.{:02d}_{}", prefix_, index_++, kind); }

}  // namespace eb::mobiledet
