"""datasketch 2.0.0 end to end: MinHash (default affine32 scheme, default
SHA1-based 32-bit hash of each shingle's UTF-8 bytes) + MinHashLSH with
params=(16, 8); each document is queried against the documents before it, its
candidates verified by MinHash.jaccard >= 0.8, then inserted."""

import itertools

from common import (BANDS, NUM_PERM, ROWS, SEED, THRESHOLD, Phases, normalize,
                    parse_args, read_corpus, shingles, write_duplicates)
from datasketch import MinHash, MinHashLSH


def main():
    args = parse_args(__doc__)
    ph = Phases("datasketch")
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM, params=(BANDS, ROWS))
    proto = MinHash(num_perm=NUM_PERM, seed=SEED)  # permutations made once, copied
    ids, sigs, pairs = [], [], []
    candidates = 0
    docs = read_corpus(args.corpus)
    for i in itertools.count():
        with ph("read+normalize+shingle"):
            doc_id, text = next(docs, (None, None))
            if doc_id is None:
                break
            tokens = {s.encode("utf-8") for s in shingles(normalize(text))}
        with ph("minhash"):
            m = proto.copy()
            m.update_batch(tokens)
        with ph("lsh+verify"):
            for j in lsh.query(m):
                candidates += 1
                if m.jaccard(sigs[j]) >= THRESHOLD:
                    pairs.append((j, i))
            lsh.insert(i, m, check_duplication=False)
        ids.append(doc_id)
        sigs.append(m)
    with ph("cluster+write"):
        dropped = write_duplicates(args.duplicates, ids, pairs)
    ph.report(docs=len(ids), candidates=candidates, pairs=len(pairs), dropped=dropped)


if __name__ == "__main__":
    main()
