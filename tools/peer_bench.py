#!/usr/bin/env python3
"""edgebench cpu against ONNX Runtime on the six workloads: one `edgebench run --backend
cpu,onnxruntime` per workload (ONNX Runtime runs the exported graph through
tools/peer_run.py), then `edgebench compare --baseline onnxruntime` on each pair of records,
printing p50 per workload and the ratio as one Markdown table.

    tools/peer_bench.py [--edgebench build/cli/edgebench] [--out DIR] [--threads N] [--order blocks|interleaved]
                        [--min-duration 10s] [--min-queries 100] [--workloads a,b,...] [--spinning on|off]

--order blocks (the default) times the two one after the other, each with the machine to
itself (2 s cool-down between them), as a user runs either. --order interleaved alternates
them query by query, so drift hits both alike, but then two thread pools live side by side:
ONNX Runtime's threads spin after each of its runs (its default) and oneDNN's OpenMP threads
after each of theirs, and on a small machine each steals the other's cores. Measured on 2
cores: interleaved with ORT spinning on, edgebench cpu's mobiledet-cpu p50 went from about
4 ms to 10 ms; with it off, ORT's went from about 5 ms to 7.6 ms. Use interleaved only where
there are spare cores.

Latency bases are the reports' own (docs/reports.md): the cpu backend's host wall time per
query, and ONNX Runtime's own time per InferenceSession.run measured in the peer process.
`speed-up` is ONNX Runtime p50 / edgebench cpu p50 (above 1: edgebench is faster), with
the bootstrap 95% interval and the two-sided Mann-Whitney p-value that `compare` computes.
Everything is measured here and now; nothing is asserted about it. Records stay in --out.
Exit status 1 when a run fails (its error is printed), 2 for bad arguments.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

WORKLOADS = ["m3vit-backbone", "m3vit", "mobiledet-cpu", "mobiledet-edgetpu", "mobiledet-dsp", "mobiledet-gpu"]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--edgebench", default=os.path.join(here, "..", "build", "cli", "edgebench"))
    ap.add_argument("--out", default=None, help="folder for the records (default: a new temporary folder)")
    ap.add_argument("--threads", type=int, default=0, help="threads for both (0: edgebench's default, as the cpu backend uses)")
    ap.add_argument("--min-duration", default="10s")
    ap.add_argument("--min-queries", type=int, default=100)
    ap.add_argument("--workloads", default=",".join(WORKLOADS))
    ap.add_argument("--order", choices=["blocks", "interleaved"], default="blocks",
                    help="blocks: one after the other (default); interleaved: query by query (see above)")
    ap.add_argument("--spinning", choices=["on", "off"], default="on", help="ONNX Runtime's intra-op spinning (on: its default)")
    args = ap.parse_args()
    out = args.out or tempfile.mkdtemp(prefix="eb-peer-bench-")
    rows = []
    for w in args.workloads.split(","):
        folder = os.path.join(out, w)
        order = ["--interleave"] if args.order == "interleaved" else ["--cooldown", "2s"]
        cmd = [args.edgebench, "run", "--model", w, "--backend", "cpu,onnxruntime", *order, "--threads", str(args.threads),
               "--min-duration", args.min_duration, "--min-queries", str(args.min_queries), "--no-fidelity", "--backend-option", f"onnxruntime.spinning={args.spinning}", "--out", folder, "--quiet"]
        print(f"peer_bench: {w} ...", file=sys.stderr, flush=True)
        run = subprocess.run(cmd, capture_output=True, text=True)
        if run.returncode != 0:
            print(f"peer_bench: {w}: edgebench run failed: {run.stderr.strip()}", file=sys.stderr)
            sys.exit(1)
        cmp = subprocess.run([args.edgebench, "compare", folder, "--baseline", "onnxruntime:fp32", "--format", "json"], capture_output=True, text=True)
        if cmp.returncode != 0:
            print(f"peer_bench: {w}: edgebench compare failed: {cmp.stderr.strip()}", file=sys.stderr)
            sys.exit(1)
        group = json.loads(cmp.stdout)["groups"][0]
        by = {r["backend"]: r for r in group["rows"]}
        cpu, ort = by["cpu"], by["onnxruntime"]
        rows.append((w, cpu, ort))

    device = rows[0][2]["device"] if rows else ""
    threads = args.threads or "default"
    print(f"edgebench cpu vs {device}; threads {threads}, ORT spinning {args.spinning}; {args.order}, batch 1; records in {out}\n")
    print("| workload | edgebench cpu p50 (ms) | ONNX Runtime p50 (ms) | speed-up (ORT p50 / cpu p50) [95% CI] | U test p | queries cpu / ORT |")
    print("|---|---|---|---|---|---|")
    for w, cpu, ort in rows:
        s = cpu.get("speedup") or {}
        u = cpu.get("u_test") or {}
        ci = f" [{s['ci95_low']:.2f}, {s['ci95_high']:.2f}]" if s.get("ci95_low") is not None else ""
        p = f"{u['p_value']:.2g}" if u.get("p_value") is not None else "–"
        print(f"| {w} | {cpu['p50_ns']['value'] / 1e6:.2f} | {ort['p50_ns']['value'] / 1e6:.2f} | {s.get('estimate', float('nan')):.2f}×{ci} | {p} | "
              f"{cpu['samples']} / {ort['samples']} |")
    print("\nmeasured: cpu = host wall time per query (steady_clock); ONNX Runtime = InferenceSession.run in the peer process "
          "(time.perf_counter_ns). p50 nearest rank.")


if __name__ == "__main__":
    main()
