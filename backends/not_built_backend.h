// A backend this build left out, as `edgebench list` shows it: listed under its own name,
// never available, and saying why ("not built: no CUDA compiler found when this build was
// configured"), so that `--backend gpu` fails with the cause instead of "unknown backend".
// backends/registry.cpp registers one in place of each optional backend that CMake did not
// build; the reason is the one CMake printed in its configure summary.
#pragma once

#include <memory>
#include <string>

#include "core/backend.h"

namespace eb {

std::unique_ptr<Backend> make_not_built_backend(std::string name, std::string description, std::string reason);

}  // namespace eb
