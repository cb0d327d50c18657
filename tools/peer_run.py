#!/usr/bin/env python3
"""The ONNX Runtime peer of edgebench: runs an exported .onnx model (`edgebench export
--format onnx`) for edgebench's harness, which drives it as the backend "onnxruntime"
(backends/onnxruntime/). The harness keeps the whole protocol — seeded input samples,
first inference, warm-up, stop rule, nearest-rank statistics, fidelity to the reference,
the record — and this process only runs inferences, timing each `InferenceSession.run`
with time.perf_counter_ns (that time, not the harness's wall time around the exchange of
tensors, is the latency the reports show for the peer).

    peer_run.py --probe
        One JSON line {"runtime": "onnxruntime", "version": ..., "python": ...}; exit 2
        with the reason on stderr when onnxruntime cannot be imported.
    peer_run.py --serve MODEL.onnx --threads N [--spinning on|off]
                [--int8 CALIBRATION.bin --calibration-samples K]
        With --int8, first quantises MODEL.onnx with ONNX Runtime's post-training static
        quantisation (quantize_int8 below: QDQ format, per-channel symmetric int8 weights,
        per-tensor asymmetric int8 activations, min/max calibration on the K samples in
        CALIBRATION.bin: for each sample every model input as raw little-endian float32, in
        model order) and serves the quantised model instead. Then creates a session (CPU execution provider, graph optimisation ALL, N intra-op
        threads, 1 inter-op thread, sequential execution; intra-op threads spin while
        idle unless --spinning off, ONNX Runtime's session.intra_op.allow_spinning) and
        prints one JSON line
        {"ready": true, "version": ..., "inputs": [[name, shape], ...], "outputs": [...]}
        (with --int8 also "quantization": the options used and the op counts of the
        quantised model).
        Then serves requests on stdin, answering on stdout:
          "run\\n" + every input as raw little-endian float32, in model order
              -> {"ns": N}\\n + every output as raw float32, in model order
          "quit\\n" -> exits 0
        An error is one line {"error": "..."} and exit 1.
"""
import argparse
import contextlib
import json
import platform
import signal
import sys
import time


def probe():
    try:
        import onnxruntime as ort
    except ImportError as e:
        print(f"onnxruntime cannot be imported by {sys.executable} ({e}); pip install onnxruntime", file=sys.stderr)
        sys.exit(2)
    print(json.dumps({"runtime": "onnxruntime", "version": ort.__version__, "python": platform.python_version()}), flush=True)


def read_exact(stream, n):
    buf = bytearray(n)
    view = memoryview(buf)
    got = 0
    while got < n:
        k = stream.readinto(view[got:])
        if not k:
            raise EOFError("edgebench closed the connection")
        got += k
    return buf


# The options of ONNX Runtime's quantize_static used for --int8, as close to TFLite's
# full-integer post-training quantisation (what the edgetpu backend simulates) as ONNX
# Runtime allows: QDQ format, int8 activations per tensor with an asymmetric range from the
# plain min/max over the calibration samples, int8 weights per output channel, symmetric.
INT8_OPTIONS = {
    "quant_format": "QDQ",
    "activation_type": "QInt8",
    "weight_type": "QInt8",
    "per_channel": True,
    "reduce_range": False,
    "calibrate_method": "MinMax",
    "ActivationSymmetric": False,
    "WeightSymmetric": True,
    "pre_process": "none (the exported graph is quantised as exported)",
}


def quantize_int8(model, calibration, samples, out_path):
    """Quantises `model` with onnxruntime.quantization.quantize_static (INT8_OPTIONS) on the
    float32 samples in `calibration`; returns the options and the quantised model's op counts."""
    import numpy as np
    import onnx
    from onnxruntime.quantization import CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType, quantize_static

    proto = onnx.load(model)
    init_names = {i.name for i in proto.graph.initializer}
    inputs = []
    for i in proto.graph.input:
        if i.name in init_names:
            continue
        inputs.append((i.name, [int(d.dim_value) for d in i.type.tensor_type.shape.dim]))
    per_sample = sum(int(np.prod(shape)) for _, shape in inputs)
    data = np.fromfile(calibration, dtype="<f4")
    if samples < 1 or data.size != samples * per_sample:
        raise ValueError(f"{calibration} holds {data.size} floats, expected {samples} samples of {per_sample}")
    feeds = []
    for k in range(samples):
        pos = k * per_sample
        feed = {}
        for name, shape in inputs:
            n = int(np.prod(shape))
            feed[name] = data[pos:pos + n].reshape(shape)
            pos += n
        feeds.append(feed)

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.it = iter(feeds)

        def get_next(self):
            return next(self.it, None)

    quantize_static(model, out_path, Reader(), quant_format=QuantFormat.QDQ, per_channel=True, reduce_range=False,
                    activation_type=QuantType.QInt8, weight_type=QuantType.QInt8, calibrate_method=CalibrationMethod.MinMax,
                    extra_options={"ActivationSymmetric": False, "WeightSymmetric": True})
    counts = {}
    for n in onnx.load(out_path).graph.node:
        counts[n.op_type] = counts.get(n.op_type, 0) + 1
    return {"tool": "onnxruntime.quantization.quantize_static", "samples": samples, "options": INT8_OPTIONS, "ops": counts}


def serve(model, threads, spinning, int8=None, samples=0):
    # Ctrl-C is edgebench's to handle (it finishes the query in flight and writes the record);
    # this process ends when edgebench closes the socket or says quit.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    out = sys.stdout.buffer
    quantization = None
    try:
        import numpy as np
        import onnxruntime as ort
        if int8 is not None:
            quantized = model + ".int8.onnx"
            with contextlib.redirect_stdout(sys.stderr):  # stdout is the protocol's
                quantization = quantize_int8(model, int8, samples, quantized)
            model = quantized
        opts = ort.SessionOptions()
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.add_session_config_entry("session.intra_op.allow_spinning", "1" if spinning else "0")
        sess = ort.InferenceSession(model, opts, providers=["CPUExecutionProvider"])
        ins = [(i.name, [int(d) for d in i.shape]) for i in sess.get_inputs()]
        outs = [(o.name, o.shape) for o in sess.get_outputs()]
    except Exception as e:  # onnxruntime raises its own exception types
        out.write((json.dumps({"error": f"onnxruntime could not {'quantise and ' if int8 is not None else ''}load {model}: {e}"}) + "\n").encode())
        out.flush()
        sys.exit(1)
    ready = {"ready": True, "version": ort.__version__, "inputs": ins, "outputs": [o[0] for o in outs]}
    if quantization is not None:
        ready["quantization"] = quantization
    out.write((json.dumps(ready) + "\n").encode())
    out.flush()
    stdin = sys.stdin.buffer
    sizes = [int(np.prod(shape)) * 4 for _, shape in ins]
    while True:
        line = stdin.readline()
        if not line or line == b"quit\n":
            return
        if line != b"run\n":
            out.write((json.dumps({"error": f"unknown request {line[:40]!r}"}) + "\n").encode())
            out.flush()
            sys.exit(1)
        feeds = {}
        for (name, shape), size in zip(ins, sizes):
            feeds[name] = np.frombuffer(read_exact(stdin, size), dtype="<f4").reshape(shape)
        try:
            t0 = time.perf_counter_ns()
            results = sess.run(None, feeds)
            t1 = time.perf_counter_ns()
        except Exception as e:
            out.write((json.dumps({"error": f"onnxruntime failed: {e}"}) + "\n").encode())
            out.flush()
            sys.exit(1)
        out.write((json.dumps({"ns": t1 - t0, "shapes": [list(r.shape) for r in results]}) + "\n").encode())
        for r in results:
            out.write(np.ascontiguousarray(r, dtype="<f4").tobytes())
        out.flush()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--probe", action="store_true")
    ap.add_argument("--serve", metavar="MODEL")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--spinning", choices=["on", "off"], default="on")
    ap.add_argument("--int8", metavar="CALIBRATION")
    ap.add_argument("--calibration-samples", type=int, default=0)
    args = ap.parse_args()
    if args.probe:
        probe()
    elif args.serve:
        if args.threads < 1:
            print("peer_run: --threads must be at least 1", file=sys.stderr)
            sys.exit(2)
        if args.int8 is not None and args.calibration_samples < 1:
            print("peer_run: --int8 needs --calibration-samples of at least 1", file=sys.stderr)
            sys.exit(2)
        serve(args.serve, args.threads, args.spinning == "on", args.int8, args.calibration_samples)
    else:
        ap.error("--probe or --serve MODEL")


if __name__ == "__main__":
    main()
