// edgebench: builds the registries once, adds the subcommands (cli/commands.h), parses,
// and turns every failure into one line on stderr:
//   exit 0  success, --help, --version
//   exit 2  usage errors: bad or out-of-range flags, unknown subcommand / model / backend /
//           task, impossible settings
//   exit 1  everything else (unavailable backend, missing, unreadable or malformed files, ...)
//   exit 3  run: records written, one INVALID; 130: run interrupted (cli/run_command.cpp)
#include <cstdio>
#include <exception>
#include <new>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "bench/job.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "cli/openmp_defaults.h"
#include "core/version.h"

namespace {

constexpr int kRuntimeError = 1;
constexpr int kUsageError = 2;

int report(const std::string& message, int status) {
  fmt::print(stderr, "edgebench: error: {}\n", eb::cli::one_line(message));
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  eb::cli::restart_with_openmp_defaults(argc, argv);  // before anything else: it may exec
  try {
    const eb::BackendRegistry backends = eb::make_backend_registry();
    const eb::WorkloadRegistry workloads = eb::make_workload_registry();
    const eb::cli::Context ctx{backends, workloads, eb::cli::shell_command_line(argc, argv)};

    CLI::App app{"edgebench: runs the same neural-network workloads through CPU, GPU, FPGA and Edge TPU "
                 "backends and records latency, accuracy and energy with their provenance.",
                 "edgebench"};
    app.set_version_flag("--version", fmt::format("edgebench {} ({})", eb::kVersion, eb::kGitRevision));
    app.require_subcommand(1);
    app.footer("Run 'edgebench SUBCOMMAND --help' for the flags of a subcommand.");
#define EB_X(name) eb::cli::add_##name##_command(app, ctx);
    EB_CLI_COMMANDS(EB_X)
#undef EB_X

    // CLI11 would call an unknown first word a missing subcommand.
    if (argc > 1 && argv[1][0] != '-' && app.get_subcommands([&](const CLI::App* s) { return s->check_name(argv[1]); }).empty()) {
      std::string names;
      for (const CLI::App* s : app.get_subcommands({})) names += (names.empty() ? "" : ", ") + s->get_name();
      return report(fmt::format("unknown subcommand '{}' (one of: {})", argv[1], names), kUsageError);
    }
    try {
      app.parse(argc, argv);
    } catch (const CLI::Success& e) {  // --help, --version
      return app.exit(e);
    } catch (const CLI::ParseError& e) {
      return report(std::string(e.what()) + " (see --help)", kUsageError);
    }
    return 0;
  } catch (const eb::cli::ExitStatus& e) {
    return e.status;
  } catch (const eb::bench::InvalidJob& e) {
    return report(e.what(), kUsageError);
  } catch (const std::bad_alloc&) {
    return report("out of memory: the model at this batch does not fit; lower --batch or --samples", kRuntimeError);
  } catch (const std::exception& e) {
    return report(e.what(), kRuntimeError);
  } catch (...) {
    return report("unexpected failure", kRuntimeError);
  }
}
