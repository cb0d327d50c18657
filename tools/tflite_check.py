#!/usr/bin/env python3
"""Runs an exported .tflite in the TFLite runtime (ai-edge-litert) and compares its int8
outputs with ours.

    tflite_check.py MODEL.tflite --input IN.bin [--input ...] --expected OUT.bin [--expected ...]
    tflite_check.py --cases CASES.json

The second form checks many small models in one process (tests/edgetpu exports every
step of a quantised graph as a model of its own): CASES.json is a list of {"label": ...,
"model": ..., "inputs": [...], "expected": [...]}. Each case runs on both kernel sets;
differences of ±1 LSB are counted, larger ones fail. It prints {"labels": {LABEL:
{"cases": N, "reference": {...counts}, "optimized": {...counts}}}, "elements": N}.

Inputs and expected outputs are raw int8 files in the model's own (TFLite) layout, in the
subgraph's input and output order (as `edgebench export` and tests/edgetpu write them).
The model runs twice, keeping every intermediate tensor:
  reference  TFLite's reference kernels (BUILTIN_REF), the arithmetic our integer kernels
             reproduce: the outputs must equal ours, ±1 LSB at most;
  optimized  its optimised kernels without the default XNNPACK delegate
             (BUILTIN_WITHOUT_DEFAULT_DELEGATES). These round some requantisations
             differently from the reference kernels (±1 LSB per op), and over a deep
             network those differences propagate, so the end-to-end counts are reported
             only. What is checked is each op whose inputs in the optimised run are
             identical to the reference run's: its output may differ by ±1 LSB at most.
For the outputs it counts elements that are equal, that differ by 1 LSB, and by more.

Prints one JSON object on stdout: {"runs": {"reference": {"exact": N, "off_by_one": N,
"larger": N, "max_abs_diff": N}, "optimized": {... , "per_op": {"checked": N,
"differing": N, "max_abs_diff": N, "first_differing": "CONV_2D (op 3)"}}}, "elements": N}.
Exit status: 0 when both checks hold, 1 when one does not, 2 when the model or the files
cannot be used (the message says why).
"""
import argparse
import json
import sys

import numpy as np


def run_once(model_path, resolver, inputs):
    from ai_edge_litert.interpreter import Interpreter

    interp = Interpreter(model_path=model_path, experimental_op_resolver_type=resolver,
                         experimental_preserve_all_tensors=True)
    interp.allocate_tensors()
    details = interp.get_input_details()
    if len(details) != len(inputs):
        raise ValueError(f"model has {len(details)} inputs, {len(inputs)} given")
    for d, raw in zip(details, inputs):
        if d["dtype"] != np.int8:
            raise ValueError(f"input {d['name']} is {d['dtype']}, expected int8")
        want = int(np.prod(d["shape"]))
        if raw.size != want:
            raise ValueError(f"input {d['name']} needs {want} values, file has {raw.size}")
        interp.set_tensor(d["index"], raw.reshape(d["shape"]))
    interp.invoke()
    return interp


def outputs_of(interp):
    return [interp.get_tensor(d["index"]).reshape(-1) for d in interp.get_output_details()]


def per_op(ref, opt):
    """Ops whose inputs are identical in both runs: how far their outputs differ."""
    stats = {"checked": 0, "differing": 0, "max_abs_diff": 0, "first_differing": None}
    for op in ref._get_ops_details():
        ins = [i for i in op["inputs"] if i >= 0]
        if not all(np.array_equal(ref.get_tensor(i), opt.get_tensor(i)) for i in ins):
            continue
        stats["checked"] += 1
        for o in op["outputs"]:
            diff = int(np.abs(ref.get_tensor(o).astype(np.int32) - opt.get_tensor(o).astype(np.int32)).max(initial=0))
            if diff:
                stats["differing"] += 1
                stats["max_abs_diff"] = max(stats["max_abs_diff"], diff)
                if stats["first_differing"] is None:
                    stats["first_differing"] = f"{op['op_name']} (op {op['index']})"
    return stats


def compare(outputs, expected):
    if len(outputs) != len(expected):
        raise ValueError(f"model has {len(outputs)} outputs, {len(expected)} expected files")
    stats = {"exact": 0, "off_by_one": 0, "larger": 0, "max_abs_diff": 0}
    for got, want in zip(outputs, expected):
        if got.size != want.size:
            raise ValueError(f"output has {got.size} values, expected file has {want.size}")
        diff = np.abs(got.astype(np.int32) - want.astype(np.int32))
        stats["exact"] += int(np.count_nonzero(diff == 0))
        stats["off_by_one"] += int(np.count_nonzero(diff == 1))
        stats["larger"] += int(np.count_nonzero(diff > 1))
        stats["max_abs_diff"] = max(stats["max_abs_diff"], int(diff.max(initial=0)))
    return stats


def check_cases(path, resolvers):
    with open(path, encoding="utf-8") as f:
        cases = json.load(f)
    labels = {}
    elements = 0
    for case in cases:
        inputs = [np.fromfile(p, dtype=np.int8) for p in case["inputs"]]
        expected = [np.fromfile(p, dtype=np.int8) for p in case["expected"]]
        elements += int(sum(e.size for e in expected))
        entry = labels.setdefault(case["label"], {"cases": 0})
        entry["cases"] += 1
        for label, resolver in resolvers:
            try:
                got = outputs_of(run_once(case["model"], resolver, inputs))
            except (ValueError, RuntimeError) as e:
                raise ValueError(f"{case['model']}: {e}") from e
            stats = compare(got, expected)
            total = entry.setdefault(label, {"exact": 0, "off_by_one": 0, "larger": 0, "max_abs_diff": 0})
            for k in ("exact", "off_by_one", "larger"):
                total[k] += stats[k]
            total["max_abs_diff"] = max(total["max_abs_diff"], stats["max_abs_diff"])
    return {"labels": labels, "elements": elements}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model", nargs="?")
    ap.add_argument("--cases", help="JSON list of single-step models to check (second form)")
    ap.add_argument("--input", action="append", default=[], help="raw int8 input file (repeat per input)")
    ap.add_argument("--expected", action="append", default=[], help="raw int8 expected output (repeat per output)")
    args = ap.parse_args()
    try:
        from ai_edge_litert.interpreter import OpResolverType
    except ImportError as e:
        print(f"tflite_check: ai-edge-litert is not installed ({e})", file=sys.stderr)
        return 2
    resolvers = (("reference", OpResolverType.BUILTIN_REF), ("optimized", OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES))
    if args.cases:
        try:
            result = check_cases(args.cases, resolvers)
        except (ValueError, RuntimeError, OSError, KeyError) as e:
            print(f"tflite_check: {e}", file=sys.stderr)
            return 2
        print(json.dumps(result))
        return 1 if any(v[r]["larger"] for v in result["labels"].values() for r, _ in resolvers) else 0
    if not args.model:
        ap.error("give a model, or --cases")
    try:
        inputs = [np.fromfile(p, dtype=np.int8) for p in args.input]
        expected = [np.fromfile(p, dtype=np.int8) for p in args.expected]
        ref = run_once(args.model, OpResolverType.BUILTIN_REF, inputs)
        opt = run_once(args.model, OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES, inputs)
        runs = {"reference": compare(outputs_of(ref), expected), "optimized": compare(outputs_of(opt), expected)}
        runs["optimized"]["per_op"] = per_op(ref, opt)
    except (ValueError, RuntimeError, OSError) as e:
        print(f"tflite_check: {e}", file=sys.stderr)
        return 2
    print(json.dumps({"runs": runs, "elements": int(sum(e.size for e in expected))}))
    return 1 if runs["reference"]["larger"] or runs["optimized"]["per_op"]["max_abs_diff"] > 1 else 0


if __name__ == "__main__":
    sys.exit(main())
