// Placeholder until the CLI lands: prints the version.
#include <cstdio>

#include "core/version.h"

int main() {
  std::printf("edgebench %s\n", eb::kVersion);
  return 0;
}
