// fp32, bf16 and int8 of one model on the cpu backend, side by side in one process:
// the three executables are compiled first, then run in turn, one query each per round,
// so that the other load of a shared machine falls on all of them alike.
//
//   cpu_precision_bench [--model=NAME] [--threads=N] [--rounds=N] [--calibration=N]
//
// Prints per precision the p50 and the fastest of the rounds (measured, steady_clock) and
// the p50 ratio against fp32. A precision this CPU or this model cannot run is listed with
// the reason. int8 uses `--calibration` samples (default 1: the speed does not depend on
// the ranges, only the compile time does).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "bench/prepare_model.h"
#include "core/registry.h"
#include "models/workload.h"

namespace {

std::string flag(int argc, char** argv, const char* name, std::string fallback) {
  const std::string prefix = std::string("--") + name + "=";
  for (int i = 1; i < argc; ++i)
    if (std::strncmp(argv[i], prefix.c_str(), prefix.size()) == 0) return argv[i] + prefix.size();
  return fallback;
}

struct Candidate {
  eb::Precision precision;
  std::unique_ptr<eb::Executable> exe;
  std::string refused;
  std::vector<double> ns;
};

}  // namespace

int main(int argc, char** argv) {
  using namespace eb;
  try {
    const std::string model = flag(argc, argv, "model", "mobiledet-edgetpu");
    const int threads = std::stoi(flag(argc, argv, "threads", "2"));
    const int rounds = std::stoi(flag(argc, argv, "rounds", "30"));
    const std::string calibration = flag(argc, argv, "calibration", "1");
    const auto registry = make_workload_registry();
    const bench::PreparedModel prepared = bench::prepare_model(registry, {.model = model});
    const auto inputs = prepared.inputs();
    const auto backends = make_backend_registry();
    const Backend& cpu = backends.get("cpu");
    std::vector<Candidate> cs;
    for (Precision p : {Precision::fp32, Precision::bf16, Precision::int8}) {
      Candidate c{p, nullptr, {}, {}};
      CompileOptions o;
      o.precision = p;
      o.threads = threads;
      o.extra["edgetpu.calibration"] = calibration;
      o.allow_fallback = false;  // a precision the cpu cannot run whole is refused, not half the reference's
      try {
        c.exe = bench::compile_prepared(prepared, cpu, backends.reference(), o).executable;
        (void)c.exe->run(inputs);  // first inference: page faults, lazy initialisation
      } catch (const std::exception& e) {
        c.refused = e.what();
      }
      cs.push_back(std::move(c));
    }
    using clock = std::chrono::steady_clock;
    for (int r = 0; r < rounds; ++r)
      for (auto& c : cs) {
        if (!c.exe) continue;
        const auto t0 = clock::now();
        (void)c.exe->run(inputs);
        c.ns.push_back(std::chrono::duration<double, std::nano>(clock::now() - t0).count());
      }
    double fp32_p50 = 0;
    std::printf("%s, %d threads, %d rounds (measured, steady_clock)\n", model.c_str(), threads, rounds);
    for (auto& c : cs) {
      if (!c.exe) {
        std::printf("  %-5s refused: %s\n", std::string(precision_name(c.precision)).c_str(), c.refused.c_str());
        continue;
      }
      std::sort(c.ns.begin(), c.ns.end());
      const double p50 = c.ns[c.ns.size() / 2], best = c.ns.front();
      if (c.precision == Precision::fp32) fp32_p50 = p50;
      std::printf("  %-5s p50 %9.3f ms  best %9.3f ms  fp32/this %.2f\n", std::string(precision_name(c.precision)).c_str(),
                  p50 * 1e-6, best * 1e-6, fp32_p50 > 0 ? fp32_p50 / p50 : 0.0);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cpu_precision_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
