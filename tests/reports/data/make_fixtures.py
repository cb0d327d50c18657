#!/usr/bin/env python3
"""Writes the fixed result records the report tests read (run once; the outputs are checked in).

They follow docs/result-schema.md (version 1) with the harness's later sections (power,
profile, accuracy), abridged: cpu measured with a RAPL counter trace, fpga with a modeled
device time and a modeled power model, reference INVALID without power, two MobileDet
records with COCO accuracy, and an unknown future field that readers must ignore."""
import json

def prov(kind, source, **params):
    p = {"kind": kind, "source": source}
    if params:
        p["parameters"] = params
    return p

def stats(samples):
    s = sorted(samples)
    n = len(s)
    import math
    rank = lambda p: s[max(1, math.ceil(p / 100 * n)) - 1]
    mean = sum(s) / n
    return {"count": n, "min_ns": s[0], "max_ns": s[-1], "mean_ns": mean, "p50_ns": rank(50), "p90_ns": rank(90),
            "p99_ns": rank(99), "percentile_method": "nearest-rank"}

def base(model, task, backend, device, precision, samples, created):
    return {
        "schema_version": 1,
        "tool": {"name": "edgebench", "version": "0.1.0", "git_revision": "e84f22415ba6"},
        "created": created,
        "command": f"edgebench run --model {model} --backend {backend} --iterations {len(samples)}",
        "host": {"cpu_model": "Test CPU @ 2.0GHz", "logical_cores": 2, "cores_available": 2, "os": "Linux 6.1.0 x86_64",
                 "distribution": "Debian GNU/Linux 12 (bookworm)", "compiler": "GCC 12.2.0", "cpu_governor": None},
        "workload": {"model": model, "task": task, "batch": 1, "params": 1000, "macs": 2000},
        "backend": {"name": backend, "device": device, "precision": precision, "threads": 0},
        "scenario": {"name": "single-stream", "warmup": 2, "iterations": len(samples)},
        "timing": {"provenance": prov("measured", "std::chrono::steady_clock"), "compile_ns": 1000000,
                   "first_inference_ns": samples[0], "samples_ns": samples, "stats": stats(samples),
                   "throughput_per_s": 1e9 / (sum(samples) / len(samples))},
        "outputs": {"provenance": prov("measured", f"computed by backend '{backend}' ({precision}) on this host")},
        "power": None, "profile": None, "accuracy": None,
        "validity": {"verdict": "VALID", "reasons": [], "notes": [], "warnings": []},
    }

def energy(mean_w, seconds, inferences, p):
    gross = mean_w * seconds
    fig = lambda v, unit: {"value": v, "unit": unit, "provenance": p}
    return {"window": {"t0_ns": 0, "t1_ns": int(seconds * 1e9), "seconds": seconds}, "inferences": inferences,
            "totals": {"gross_j": fig(gross, "J"), "mean_w": fig(mean_w, "W"),
                       "gross_mj_per_inference": fig(gross * 1e3 / inferences, "mJ/inference"),
                       "inferences_per_gross_j": fig(inferences / gross, "inferences/J")},
            "warnings": []}

cpu_samples = [40100000, 40500000, 39800000, 41200000, 40000000, 40900000, 42300000, 39900000, 40200000, 40700000,
               40400000, 44000000]
cpu = base("m3vit-backbone", "seg", "cpu", "Test CPU @ 2.0GHz (2 threads, oneDNN 3.0 avx2)", "fp32", cpu_samples,
           "2026-01-02T10:00:00Z")
rapl = prov("measured", "rapl:package-0", path="/sys/class/powercap/intel-rapl:0/energy_uj")
t = [0, 100000000, 200000000, 300000000, 400000000, 500000000]
cpu["power"] = {
    "selection": {"spec": "rapl"},
    "energy": energy(25.0, sum(cpu_samples) / 1e9, len(cpu_samples), rapl),
    "trace": {"phase": "busy", "start_ns": 0, "stop_ns": 500000000, "sources": [
        {"source": {"name": "rapl:package-0", "kind": "counter", "unit": "J", "in_total": True, "provenance": rapl},
         "samples": {"t_ns": t, "value": [100.0, 102.4, 105.0, 107.5, 110.1, 112.5]}}]},
    "idle_trace": None, "not_measured": None}
cpu["profile"] = {"runs": 5, "nodes": [
    {"node": "blocks.0.attn", "op": "attention", "mean_ns": 9000000, "share": 0.22, "provenance": prov("measured", "std::chrono::steady_clock")},
    {"node": "blocks.1.moe", "op": "moe", "mean_ns": 15000000, "share": 0.37, "provenance": prov("measured", "std::chrono::steady_clock")},
    {"node": "patch_embed", "op": "conv2d", "mean_ns": 3000000, "share": 0.07, "provenance": prov("measured", "std::chrono::steady_clock")}]}

fpga_host = [2100000000 + 10000000 * i for i in range(12)]
fpga = base("m3vit-backbone", "seg", "fpga", "Edge-MoE datapath, C simulation; timing and power modeled for ZCU102 @ 300 MHz",
            "fixed", fpga_host, "2026-01-02T10:01:00Z")
cycle = prov("modeled", "edge-moe cycle model (ZCU102 @ 300 MHz)")
fpga["timing"]["device"] = {"provenance": cycle, "samples_ns": [30100000, 30100000, 30200000, 30100000, 30300000, 30100000,
                                                                30200000, 30100000, 30100000, 30400000, 30100000, 30200000]}
board = prov("modeled", "zcu102-board-model", busy_w=8.5, idle_w=6.0)
fpga["power"] = {
    "selection": {"spec": "model"},
    "energy": energy(8.5, sum(fpga_host) / 1e9, 12, board),
    "trace": {"phase": "busy", "start_ns": 0, "stop_ns": 25000000000, "sources": [
        {"source": {"name": "model", "kind": "power", "unit": "W", "in_total": True, "provenance": board},
         "samples": {"t_ns": [0, 25000000000], "value": [8.5, 8.5]}}]},
    "idle_trace": None, "not_measured": None}
fpga["validity"]["notes"] = ["2 of 60 nodes fell back to the reference: conv2d"]

ref_samples = [900000000, 880000000, 910000000, 905000000, 895000000]
ref = base("m3vit-backbone", "seg", "reference", "Test CPU @ 2.0GHz", "fp32", ref_samples, "2026-01-02T10:02:00Z")
ref["validity"] = {"verdict": "INVALID", "reasons": ["too few queries: max queries reached before 100 queries"],
                   "notes": ["with 5 samples, p99 and p99.9 are the maximum (nearest rank)"],
                   "warnings": ["coefficient of variation 1.3% (fine)"]}
ref["future_field"] = {"something": "a reader from this version does not know"}
del ref["power"]

md_cpu_samples = [20000000 + 250000 * ((i * 7) % 11) for i in range(10)]
md_cpu = base("mobiledet-cpu", None, "cpu", "Test CPU @ 2.0GHz (2 threads, oneDNN 3.0 avx2)", "fp32", md_cpu_samples,
              "2026-01-02T10:03:00Z")
md_cpu["accuracy"] = {"metric": "coco_bbox", "summary": {"AP": 0.231, "AP50": 0.40}}
md_tpu = base("mobiledet-cpu", None, "edgetpu", "Edge TPU model (no device)", "int8", [3000000] * 10, "2026-01-02T10:04:00Z")
md_tpu["timing"]["device"] = {"provenance": prov("modeled", "edgetpu systolic model"),
                              "samples_ns": [2500000, 2510000, 2490000, 2500000, 2505000, 2500000, 2495000, 2500000, 2500000, 2520000]}
md_tpu["accuracy"] = {"metric": "coco_bbox", "summary": {"AP": 0.225}}

for name, rec in [("m3vit-backbone-seg-cpu-fp32", cpu), ("m3vit-backbone-seg-fpga-fixed", fpga),
                  ("m3vit-backbone-seg-reference-fp32", ref), ("mobiledet-cpu-cpu-fp32", md_cpu),
                  ("mobiledet-cpu-edgetpu-int8", md_tpu)]:
    with open(f"records/{name}.json", "w") as f:
        json.dump(rec, f, indent=2)
        f.write("\n")
with open("bad/truncated.json", "w") as f:
    f.write(json.dumps(cpu)[:300])
with open("bad/not-a-record.json", "w") as f:
    f.write('{"models": []}\n')
