// The OpenMP wait policy of a measuring edgebench process (run, reproduce), chosen from the
// host's state at start: on a quiet host the runtime's default (idle threads spin a while
// at each barrier, as every oneDNN or ONNX Runtime user runs it); on a busy one — other
// processes or steal above bench::kBusyHostCores over a 150 ms sample — passive (an idle
// thread sleeps at once). A policy the environment names (OMP_WAIT_POLICY, or libgomp's
// GOMP_SPINCOUNT) is kept: it is what the user asked to measure.
//
// Why both: oneDNN runs every primitive as an OpenMP parallel region. Under libgomp's
// default a thread that has finished its share spins up to 300,000 times at the barrier;
// on a host where another process wants a core, that spinning holds the core the late
// thread needs (m3vit-backbone p50 216–1988 ms spinning, 24–83 ms passive, while other
// builds used 1.5–1.9 of 2 cores). On a quiet host passive costs a wake-up per parallel
// region: p50 5.9 → 11.4 ms (m3vit-backbone) and 3.7 → 8.6 ms (mobiledet-cpu), measured
// side by side (backends/cpu/README.md). The record says which policy ran
// (backend.executable_info["cpu.threads.wait_policy"]) and the host's load over the
// timed phase (timing.host_load).
//
// How: libgomp reads its environment once, in its own initialiser, before main (and even
// an executable's .preinit_array runs before the C library has its environment, so a
// variable set there is lost). So a busy host's measuring command sets
// OMP_WAIT_POLICY=passive and executes itself again (/proc/self/exe, same arguments, same
// process id), leaving the reason in EDGEBENCH_OPENMP_CHOICE for the record; where that fails it goes on under the runtime's
// default, which the record then says.
#pragma once

namespace eb::cli {

// Returns only if no restart was needed or it failed. Call first in main, before any thread.
void restart_with_openmp_defaults(int argc, char** argv);

}  // namespace eb::cli
