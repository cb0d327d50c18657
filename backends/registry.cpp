// The one place where backends are registered, in preference order, reference last.
#include "core/reference/reference_backend.h"
#include "core/registry.h"

#include "backends/not_built_backend.h"  // lists a backend this build left out, with why
#ifdef EB_HAVE_CPU
#include "backends/cpu/cpu_backend.h"
#endif
#ifdef EB_HAVE_GPU
#include "backends/gpu/gpu_backend.h"
#endif
#ifdef EB_HAVE_FPGA
#include "backends/fpga/fpga_backend.h"
#endif
#ifdef EB_HAVE_EDGETPU
#include "backends/edgetpu/edgetpu_backend.h"
#endif
#ifdef EB_HAVE_ONNXRUNTIME
#include "backends/onnxruntime/onnxruntime_backend.h"
#endif

namespace eb {

BackendRegistry make_backend_registry() {
  BackendRegistry r;
#ifdef EB_HAVE_CPU
  r.add(make_cpu_backend());
#else
  r.add(make_not_built_backend("cpu", "oneDNN primitives on the host CPU", EB_CPU_NOT_BUILT_REASON));
#endif
#ifdef EB_HAVE_GPU
  r.add(make_gpu_backend());
#else
  r.add(make_not_built_backend("gpu", "NVIDIA GPU: cuDNN, cuBLAS(Lt), CUDA kernels, NVML power", EB_GPU_NOT_BUILT_REASON));
#endif
#ifdef EB_HAVE_FPGA
  r.add(make_fpga_backend());
#endif
#ifdef EB_HAVE_EDGETPU
  r.add(make_edgetpu_backend());
#endif
#ifdef EB_HAVE_ONNXRUNTIME
  r.add(make_onnxruntime_backend());  // a peer: after the hardware, never the default while one of those is available
#endif
  r.add(make_reference_backend());
  return r;
}

}  // namespace eb
