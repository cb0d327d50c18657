#!/usr/bin/env python3
"""Scores a COCO results file with pycocotools and prints the 12 summary numbers as JSON.

The reference side of edgebench's COCO cross-check (tests/accuracy): the test writes a
ground truth and a results file, runs this script and compares every number with
`edgebench eval coco` to 1e-6.

    python3 tools/coco_crosscheck.py GROUND_TRUTH.json RESULTS.json

Output (stdout, one line): {"AP": ..., "AP50": ..., ..., "ARl": ...}. pycocotools' own
progress messages are sent to stderr. Needs `pip install pycocotools`.
"""
import contextlib
import json
import sys

KEYS = ["AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"]


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        print("usage: coco_crosscheck.py GROUND_TRUTH.json RESULTS.json", file=sys.stderr)
        return 2
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    with contextlib.redirect_stdout(sys.stderr):
        gt = COCO(argv[1])
        with open(argv[2]) as f:
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
    print(json.dumps({k: float(v) for k, v in zip(KEYS, ev.stats)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
