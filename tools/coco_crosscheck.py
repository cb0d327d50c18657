#!/usr/bin/env python3
"""Scores COCO results files with pycocotools and prints the 12 summary numbers as JSON.

The reference side of edgebench's COCO cross-check (tests/accuracy/coco_crosscheck_test.cpp):
the test writes ground-truth and results files, runs this script once for all of them
and compares every number with its own evaluation to 1e-6.

    python3 tools/coco_crosscheck.py GROUND_TRUTH.json RESULTS.json [GT2.json RESULTS2.json ...]

Output (stdout): one line per pair, {"AP": ..., "AP50": ..., ..., "ARl": ...}. pycocotools'
own progress messages go to stderr. Needs `pip install pycocotools`.
"""
import contextlib
import json
import sys

KEYS = ["AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"]


def evaluate(gt_path, results_path):
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    gt = COCO(gt_path)
    with open(results_path) as f:
        results = json.load(f)
    if results:
        dt = gt.loadRes(results)
    else:
        # loadRes cannot take an empty list (it inspects the first entry); an empty
        # results set is a set without annotations.
        dt = COCO()
        dt.dataset = {"images": list(gt.dataset["images"]), "categories": list(gt.dataset["categories"]),
                      "annotations": []}
        dt.createIndex()
    ev = COCOeval(gt, dt, iouType="bbox")
    ev.evaluate()
    ev.accumulate()
    ev.summarize()
    return {k: float(v) for k, v in zip(KEYS, ev.stats)}


def main(argv):
    pairs = argv[1:]
    if not pairs or len(pairs) % 2:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        print("usage: coco_crosscheck.py GROUND_TRUTH.json RESULTS.json [GT2.json RESULTS2.json ...]", file=sys.stderr)
        return 2
    lines = []
    with contextlib.redirect_stdout(sys.stderr):
        for i in range(0, len(pairs), 2):
            lines.append(json.dumps(evaluate(pairs[i], pairs[i + 1])))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
