#!/usr/bin/env python3
"""Checks an exported .onnx model: ONNX's checker (full check, with shape inference), then
ONNX Runtime on given inputs, compared with expected outputs (the reference backend's).

    onnx_check.py MODEL.onnx [--input IN.bin ...] [--expected OUT.bin ...] [--rtol R] [--atol A]

Inputs and expected outputs are raw little-endian float32 files in the model's input and
output order and shapes (tests/onnx writes them). An output element passes when
|ort - expected| <= atol·max|expected| + rtol·|expected|: fp32 arithmetic against the
reference's fp64 accumulation, relative to the output's own scale.

Prints one JSON object on stdout: {"checker": "ok", "onnx": version, "onnxruntime":
version, "outputs": {name: {"elements": N, "failing": N, "max_abs_diff": x,
"max_abs_expected": x}}}. Exit status: 0 when everything holds, 1 when an output differs,
2 when the model or the files cannot be used, or ONNX / ONNX Runtime cannot be imported
(the message says why).
"""
import argparse
import json
import sys


def fail(msg, code=2):
    print(f"onnx_check: {msg}", file=sys.stderr)
    sys.exit(code)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model")
    ap.add_argument("--input", action="append", default=[])
    ap.add_argument("--expected", action="append", default=[])
    ap.add_argument("--rtol", type=float, default=1e-3)
    ap.add_argument("--atol", type=float, default=1e-4)
    args = ap.parse_args()
    try:
        import numpy as np
        import onnx
    except ImportError as e:
        fail(f"cannot import onnx ({e}); pip install onnx")

    try:
        model = onnx.load(args.model)
        onnx.checker.check_model(model, full_check=True)
    except Exception as e:  # the checker's own exception types differ between versions
        fail(f"the ONNX checker rejects {args.model}: {e}", 1)
    result = {"checker": "ok", "onnx": onnx.__version__}
    if not args.input:
        print(json.dumps(result))
        return
    try:
        import onnxruntime as ort
    except ImportError as e:
        fail(f"cannot import onnxruntime ({e}); pip install onnxruntime")
    result["onnxruntime"] = ort.__version__
    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    sess = ort.InferenceSession(args.model, opts, providers=["CPUExecutionProvider"])
    feeds = {}
    if len(args.input) != len(sess.get_inputs()):
        fail(f"the model has {len(sess.get_inputs())} inputs, {len(args.input)} given")
    for spec, path in zip(sess.get_inputs(), args.input):
        data = np.fromfile(path, dtype="<f4")
        try:
            feeds[spec.name] = data.reshape(spec.shape)
        except ValueError:
            fail(f"{path}: {data.size} floats do not fit input '{spec.name}' {spec.shape}")
    outs = sess.run(None, feeds)
    if args.expected and len(args.expected) != len(outs):
        fail(f"the model has {len(outs)} outputs, {len(args.expected)} expected files given")
    ok = True
    result["outputs"] = {}
    for spec, got, path in zip(sess.get_outputs(), outs, args.expected):
        want = np.fromfile(path, dtype="<f4")
        if want.size != got.size:
            fail(f"{path}: {want.size} floats, output '{spec.name}' has {got.size}")
        want = want.reshape(got.shape).astype(np.float64)
        diff = np.abs(got.astype(np.float64) - want)
        scale = float(np.max(np.abs(want))) if want.size else 0.0
        failing = int(np.count_nonzero(diff > args.atol * scale + args.rtol * np.abs(want)))
        ok = ok and failing == 0 and bool(np.all(np.isfinite(got)))
        result["outputs"][spec.name] = {"elements": int(got.size), "failing": failing, "max_abs_diff": float(diff.max(initial=0.0)),
                                        "max_abs_expected": scale}
    print(json.dumps(result))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
