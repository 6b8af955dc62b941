#!/usr/bin/env python3
"""Draws the hand-check sample of issue 11: from two analyze outputs
(SaudiNewsNet and AllSides), 5 `reordered` and 5 `rewritten` passages each,
uniformly at random with a fixed seed, without looking at anything else.

    draw_loose_passages.py SNN_OUT ALLSIDES_OUT > loose_passages.jsonl

Each line has the passage's corpus, match, ids, outlets, spans and texts;
the `label` field is filled by reading (reuse | quote | template | not_reuse)."""
import json
import random
import sys

rng = random.Random(20261204)
for corpus, out in zip(["saudinewsnet", "allsides-dev"], sys.argv[1:3]):
    lines = [json.loads(l) for l in open(f"{out}/shared.jsonl", encoding="utf-8")]
    for match in ["reordered", "rewritten"]:
        pool = [l for l in lines if l["match"] == match]
        for p in rng.sample(pool, 5):
            print(json.dumps({
                "corpus": corpus, "match": match, "words": p["words"],
                "similarity": p["similarity"],
                "a": {k: p["a"][k] for k in ["id", "outlet", "start", "end", "text"]},
                "b": {k: p["b"][k] for k in ["id", "outlet", "start", "end", "text"]},
                "label": None, "note": None,
            }, ensure_ascii=False))
