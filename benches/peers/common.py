"""What every peer script shares: reading the corpus, the normalization and
shingling that neardup applies to Latin text, union-find clustering and the
`{"id","duplicate_of"}` output of `neardup dedup --duplicates`.

Each peer script runs end to end in one process: read -> normalize ->
shingle -> MinHash -> LSH candidates -> verify on the full signatures ->
union-find -> keep the first document of each cluster in input order.
"""

import argparse
import contextlib
import json
import re
import sys
import time
import unicodedata

# The settings of the issue: neardup's choice of 16 bands x 8 rows for
# threshold 0.8 and 128 permutations.
THRESHOLD = 0.8
NUM_PERM = 128
BANDS = 16
ROWS = 8
SHINGLE = 5
SEED = 42

# --- normalization ---------------------------------------------------------
# neardup's rules for Latin text: lower case; every character of general
# category P* (and ` | U+00A6) becomes a space; runs of whitespace collapse to
# one space, trimmed. (neardup also applies NFKC and drops format characters;
# the generated Latin corpus has none that change.)

_EXTRA = {"`", "|", "\u00a6"}
# ASCII: a 256-byte table for bytes.translate.
_ASCII_TABLE = bytes(
    32 if (chr(c) in _EXTRA or unicodedata.category(chr(c)).startswith("P")) else c
    for c in range(256)
)
_ASCII_PUNCT = {c: " " for c in range(128) if _ASCII_TABLE[c] == 32 and c != 32}
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_char_cache = {}


def _non_ascii(m):
    c = m.group()
    v = _char_cache.get(c)
    if v is None:
        v = " " if (c in _EXTRA or unicodedata.category(c).startswith("P")) else c
        _char_cache[c] = v
    return v


def normalize(text):
    """Lower case, punctuation -> space, whitespace collapsed and trimmed."""
    t = text.lower()
    if not t.isascii():
        # Few characters are non-ASCII: map each once (cached by character).
        t = _NON_ASCII.sub(_non_ascii, t)
    if t.isascii():
        t = t.encode("ascii").translate(_ASCII_TABLE).decode("ascii")
    else:  # letters outside ASCII remain (é, ß...): ASCII punctuation char by char
        t = t.translate(_ASCII_PUNCT)
    return " ".join(t.split())


def shingles(t, k=SHINGLE):
    """Character k-shingles of normalized text (windows of k code points, with
    repeats). A non-empty text shorter than k characters is one shingle, as in
    neardup; an empty one has none."""
    n = len(t) - k + 1
    if n <= 0:
        return [t] if t else []
    return [t[i:i + k] for i in range(n)]


# --- input / output --------------------------------------------------------

def read_corpus(path):
    """Yields (id, text) of a JSONL corpus, in order."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                yield str(d["id"]), d.get("text") or ""


class UnionFind:
    def __init__(self, n):
        self.parent = list(range(n))

    def find(self, x):
        p = self.parent
        root = x
        while p[root] != root:
            root = p[root]
        while p[x] != root:
            p[x], x = root, p[x]
        return root

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # The smaller index is the root: the root is the first document of
            # its cluster in input order, which is the one kept.
            if ra < rb:
                self.parent[rb] = ra
            else:
                self.parent[ra] = rb


def write_duplicates(path, ids, pairs):
    """Union-find over verified pairs (i, j); the first document of each
    cluster in input order is kept, every other one written as
    {"id", "duplicate_of"}. Returns the number of dropped documents."""
    uf = UnionFind(len(ids))
    for i, j in pairs:
        uf.union(i, j)
    dropped = 0
    with open(path, "w", encoding="utf-8") as out:
        for i in range(len(ids)):
            r = uf.find(i)
            if r != i:
                out.write(json.dumps({"id": ids[i], "duplicate_of": ids[r]}) + "\n")
                dropped += 1
    return dropped


def parse_args(description):
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("corpus", help="corpus.jsonl ({id, text, ...} per line)")
    ap.add_argument("duplicates", help='output: {"id","duplicate_of"} per dropped document')
    return ap.parse_args()


class Phases:
    """Wall time spent in each phase (accumulated over chunks), printed to
    standard error at the end."""

    def __init__(self, tool):
        self.tool = tool
        self.t0 = time.perf_counter()
        self.parts = {}

    @contextlib.contextmanager
    def __call__(self, name):
        t = time.perf_counter()
        try:
            yield
        finally:
            self.parts[name] = self.parts.get(name, 0.0) + time.perf_counter() - t

    def report(self, **extra):
        total = time.perf_counter() - self.t0
        parts = " ".join(f"{n}={s:.2f}s" for n, s in self.parts.items())
        more = " ".join(f"{k}={v}" for k, v in extra.items())
        print(f"{self.tool}: {parts} total={total:.2f}s {more}", file=sys.stderr)
