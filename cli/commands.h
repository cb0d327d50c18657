// The subcommands of `edgebench`, listed once. Each lives in its own file, NAME_command.cpp,
// defining add_NAME_command: it adds the subcommand, its flags and a callback that does
// the work through bench/, core/ and models/ — the CLI itself owns no logic.
//
// Adding a subcommand: write NAME_command.cpp and add X(NAME) to EB_CLI_COMMANDS.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "core/registry.h"
#include "models/workload.h"

// X(name): the order is the order of `edgebench --help`.
#define EB_CLI_COMMANDS(X) \
  X(list)                  \
  X(inspect)               \
  X(run)                   \
  X(weights)               \
  X(export)                \
  X(eval)                  \
  X(make_dataset)          \
  X(compare)               \
  X(report)                \
  X(reproduce)             \
  X(fit_edgetpu)

namespace eb::cli {

// What every subcommand may use; built once in main() and read-only afterwards.
struct Context {
  const BackendRegistry& backends;
  const WorkloadRegistry& workloads;
  std::string command_line;  // this invocation, shell-quoted, for result records
};

// Thrown by a subcommand that did its work but must end with a particular exit status
// (run: 130 after Ctrl-C, as a shell reports a process ended by SIGINT). main() returns it.
struct ExitStatus {
  int status = 0;
};

#define EB_X(name) void add_##name##_command(CLI::App& app, const Context& ctx);
EB_CLI_COMMANDS(EB_X)
#undef EB_X

}  // namespace eb::cli
