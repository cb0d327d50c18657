// The OpenMP wait policy of a measuring edgebench process (run, reproduce): passive — a
// thread with no work sleeps at once — unless the environment names one (OMP_WAIT_POLICY,
// or libgomp's GOMP_SPINCOUNT), which is then what the user asked to measure.
//
// Why: oneDNN runs every primitive as an OpenMP parallel region. Under libgomp's default a
// thread that has finished its share spins up to 300,000 times at the barrier, and on a
// host where another process wants a core that spinning holds the core that the late
// thread needs. On the 2-core development machine under load, m3vit-backbone's p50 on the
// cpu backend was 24–83 ms passive and 216–1988 ms with the default (backends/cpu/README.md).
//
// How: libgomp reads its environment once, in its own initialiser, before main (and even
// an executable's .preinit_array runs before the C library has its environment, so a
// variable set there is lost). So a measuring command whose environment names no policy
// sets OMP_WAIT_POLICY=passive and executes itself again (/proc/self/exe, same arguments,
// same process id); where that fails it goes on under the runtime's default, which the
// cpu backend's record then says (backend.executable_info["cpu.threads.wait_policy"]).
#pragma once

namespace eb::cli {

// Returns only if no restart was needed or it failed. Call first in main, before any thread.
void restart_with_openmp_defaults(int argc, char** argv);

}  // namespace eb::cli
