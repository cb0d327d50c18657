// What every part of the CPU backend shares while compiling and running one graph: the
// oneDNN engine and stream, and the thread count it was compiled for.
#pragma once

#include <string>

#include <oneapi/dnnl/dnnl.hpp>

namespace eb::cpu {

struct Context {
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream{engine};
  int threads = 1;
  // The type convolutions, linear layers and matmuls read their source and weights in:
  // f32, or bf16 (--precision bf16: oneDNN accumulates in f32 and writes f32, so every
  // other operator and the graph's inputs and outputs stay f32).
  dnnl::memory::data_type compute_type = dnnl::memory::data_type::f32;
};

// Sets the OpenMP thread count of the calling thread for one scope and restores it after.
// oneDNN (built with the OpenMP runtime here) reads the count both when a primitive is
// created (to split the work) and when it runs, so compile and run both hold one of
// these. The setting is per calling thread (the OpenMP nthreads-var ICV), so two
// executables with different counts on different threads do not disturb each other.
class ThreadScope {
 public:
  explicit ThreadScope(int threads);
  ~ThreadScope();
  ThreadScope(const ThreadScope&) = delete;
  ThreadScope& operator=(const ThreadScope&) = delete;

 private:
  int previous_;
};

// The number of threads to use when the options leave it open (0): every core OpenMP sees.
int default_threads();

// How idle OpenMP threads wait, as the runtime read it from the environment at start:
// "passive" (sleep at once; edgebench's choice on a busy host, its reason in parentheses:
// cli/openmp_defaults.h),
// "active", "spin count N" (GOMP_SPINCOUNT) or "runtime default" (libgomp: spin, then sleep).
std::string openmp_wait_policy();

}  // namespace eb::cpu
