// The backend "onnxruntime": a peer, not edgebench hardware. It exports the graph it is
// given as ONNX (export/onnx/) and runs it in ONNX Runtime (CPU execution provider, graph
// optimisation ALL, intra-op threads = --threads or the cpu backend's default) in a
// Python process, tools/peer_run.py, so that ONNX Runtime rows go through edgebench's own
// harness: the same seeded samples, warm-up, stop rule, nearest-rank statistics, fidelity
// to the reference and record as every backend. Each run's device time is the peer's
// own timing of InferenceSession.run (measured, in the peer process), which excludes
// moving the tensors between the processes; the reports use it as the peer's latency.
//
// --precision int8: the peer quantises the export with ONNX Runtime's static quantisation
// (QDQ, per-channel symmetric int8 weights, per-tensor asymmetric int8 activations, MinMax)
// calibrated on the edgetpu backend's representative inputs (the samples our own int8
// graph is calibrated on; onnxruntime.calibration=N samples, default 8), and runs that.
//
// --backend-option onnxruntime.spinning=off stops ONNX Runtime's intra-op threads from
// spinning after each inference (session.intra_op.allow_spinning=0); on, the default, is
// ONNX Runtime's own default.
//
// Available when edgebench was built with ONNX export and python3 imports onnxruntime
// (`pip install onnxruntime`); the probe says which is missing. The script is found at
// $EB_PEER_RUN, else in the source tree this binary was built from.
#pragma once

#include <memory>

#include "core/backend.h"

namespace eb {

std::unique_ptr<Backend> make_onnxruntime_backend();

}  // namespace eb
