#!/usr/bin/env python3
"""Draws the hand-labelled pair sample of issue 12 without using neardup.

    draw_pairs.py snn PATH/saudinewsnet/docs.jsonl.gz 200 > snn_pairs.jsonl
    draw_pairs.py allsides PATH/allsides-dev/docs.jsonl.gz 150 > allsides_pairs.jsonl

Documents are normalized here (lower case, Arabic diacritics and letter
variants, punctuation to spaces), independently of neardup. Candidate pairs:

- documents sharing a word 8-gram (8-grams sampled by hash, 1 in 4; 8-grams
  in more than 50 documents are skipped), with their exact character
  5-shingle Jaccard computed for every pair with 3+ shared sampled 8-grams
  and for a random sample of the others;
- documents whose titles share at least two rare words (in fewer than 0.5%
  of titles) and that share no sampled 8-gram;
- random pairs of documents dated within 3 days of each other.

Strata (shares of N): Jaccard >= 0.7 (0.175), 0.45-0.7 (0.175), 0.2-0.45
(0.175), a shared run with Jaccard < 0.2 (0.225), titles only (0.125), random
(0.125); a stratum with too few pairs gives its rest to the shared-run
stratum. Draws are uniform within a stratum, with a fixed seed. Each output
line: corpus, stratum, a, b (ids), outlets, dates, titles, jaccard,
shared_grams, and the texts (for labelling; the committed labels keep ids
only)."""
import gzip
import json
import random
import re
import sys
import unicodedata
import zlib
from collections import defaultdict
from itertools import combinations

corpus, path, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
date_field = "date_extracted" if corpus == "snn" else "date"
rng = random.Random(12)

AR_DIAC = re.compile("[\u064b-\u065f\u0670\u0640]")
PUNCT = re.compile(r"[^\w\s]|_", re.UNICODE)


def norm(t):
    t = unicodedata.normalize("NFKC", t).lower()
    t = AR_DIAC.sub("", t)
    t = t.replace("أ", "ا").replace("إ", "ا").replace("آ", "ا").replace("ة", "ه").replace("ى", "ي")
    return " ".join(PUNCT.sub(" ", t).split())


docs = []
with gzip.open(path, "rt", encoding="utf-8") as f:
    for line in f:
        d = json.loads(line)
        text = d.get("text") or ""
        if len(text.split()) < 20:
            continue
        docs.append(d)
words = [norm(d["text"]).split() for d in docs]

# Word 8-grams, sampled by hash.
grams = defaultdict(list)
for i, w in enumerate(words):
    seen = set()
    for k in range(len(w) - 7):
        h = zlib.crc32(" ".join(w[k:k + 8]).encode())
        if h % 4 == 0 and h not in seen:
            seen.add(h)
            grams[h].append(i)
shared = defaultdict(int)
for ds in grams.values():
    if 2 <= len(ds) <= 50:
        for a, b in combinations(ds, 2):
            shared[(a, b)] += 1


def shingles(i):
    t = " ".join(words[i])
    return {t[k:k + 5] for k in range(max(1, len(t) - 4))}


def jaccard(a, b):
    x, y = shingles(a), shingles(b)
    return len(x & y) / max(1, len(x | y))


pool = list(shared.items())
strong = [p for p, c in pool if c >= 3]
weak = [p for p, c in pool if c < 3]
rng.shuffle(weak)
scored = {p: jaccard(*p) for p in strong + weak[:4000]}

strata = {"j70": [], "j45": [], "j20": [], "run": []}
for p, j in scored.items():
    key = "j70" if j >= 0.7 else "j45" if j >= 0.45 else "j20" if j >= 0.2 else "run"
    strata[key].append(p)

# Titles sharing two rare words, no shared 8-gram.
title_words = [set(norm(d.get("title") or "").split()) for d in docs]
df = defaultdict(int)
for t in title_words:
    for w in t:
        df[w] += 1
rare_limit = max(2, int(0.005 * len(docs)))
by_word = defaultdict(list)
for i, t in enumerate(title_words):
    for w in t:
        if df[w] <= rare_limit and len(w) > 2:
            by_word[w].append(i)
title_pairs = defaultdict(int)
for ds in by_word.values():
    for a, b in combinations(ds, 2):
        title_pairs[(a, b)] += 1
strata["titles"] = [p for p, c in title_pairs.items() if c >= 2 and p not in shared]

# Random pairs within 3 days.
dates = [(d.get(date_field) or "")[:10] for d in docs]
by_day = defaultdict(list)
for i, dt in enumerate(dates):
    by_day[dt].append(i)
days = sorted(k for k in by_day if k)
rand = set()
while len(rand) < 2000 and days:
    day = rng.choice(days)
    a = rng.choice(by_day[day])
    near = [k for k in days if abs(days.index(k) - days.index(day)) <= 3]
    b = rng.choice(by_day[rng.choice(near)])
    if a != b:
        rand.add((min(a, b), max(a, b)))
strata["random"] = sorted(rand)

shares = [("j70", 0.175), ("j45", 0.175), ("j20", 0.175), ("run", 0.225), ("titles", 0.125), ("random", 0.125)]
want = {k: round(s * n) for k, s in shares}
want["run"] += n - sum(want.values())
picked = []
spare = 0
for k, _ in shares:
    pool_k = sorted(strata[k])
    rng.shuffle(pool_k)
    take = pool_k[: want[k]]
    spare += want[k] - len(take)
    picked += [(k, p) for p in take]
if spare:
    used = {p for _, p in picked}
    rest = [p for p in sorted(strata["run"]) if p not in used]
    rng.shuffle(rest)
    picked += [("run", p) for p in rest[:spare]]

for k, (a, b) in picked:
    da, db = docs[a], docs[b]
    print(json.dumps({
        "corpus": corpus, "stratum": k, "a": da["id"], "b": db["id"],
        "a_outlet": da.get("source"), "b_outlet": db.get("source"),
        "a_date": da.get(date_field), "b_date": db.get(date_field),
        "a_title": da.get("title"), "b_title": db.get("title"),
        "jaccard": round(scored.get((a, b), jaccard(a, b)), 4),
        "shared_grams": shared.get((a, b), 0),
        "a_text": da["text"], "b_text": db["text"],
    }, ensure_ascii=False))
