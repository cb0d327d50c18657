#include "cli/openmp_defaults.h"

#include <unistd.h>

#include <cstdlib>
#include <string_view>

namespace eb::cli {
namespace {

bool is_set(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0';
}

// The subcommands that time inference; the others need no second start.
bool measures(int argc, char** argv) {
  if (argc < 2) return false;
  const std::string_view command = argv[1];
  return command == "run" || command == "reproduce";
}

}  // namespace

void restart_with_openmp_defaults(int argc, char** argv) {
  if (!measures(argc, argv) || is_set("OMP_WAIT_POLICY") || is_set("GOMP_SPINCOUNT")) return;
  if (::setenv("OMP_WAIT_POLICY", "passive", 1) != 0) return;
  ::execv("/proc/self/exe", argv);
  // Still here: the restart failed. The runtime keeps its default; the variable is taken
  // back so that the record does not claim a policy the runtime never read.
  ::unsetenv("OMP_WAIT_POLICY");
}

}  // namespace eb::cli
