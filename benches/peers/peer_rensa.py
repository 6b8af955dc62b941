"""rensa 0.5.0 end to end: R-MinHash sketches made in batches with
RMinHash.from_token_sets (full-set R-MinHash, not the sampling "rho"
pipeline), RMinHashLSH(threshold=0.8, num_perm=128, num_bands=16) (8 rows a
band); each batch is inserted with insert_many, queried with query_all, and a
document's candidates before it in input order are verified by
RMinHash.jaccard >= 0.8."""

from common import (BANDS, NUM_PERM, SEED, THRESHOLD, Phases, normalize,
                    parse_args, read_corpus, shingles, write_duplicates)
from rensa import RMinHash, RMinHashLSH

BATCH = 256  # documents whose shingle lists are held at once (1,000: 2.5x the RSS, no faster)


def main():
    args = parse_args(__doc__)
    ph = Phases("rensa")
    lsh = RMinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM, num_bands=BANDS)
    ids, sigs, pairs = [], [], []
    candidates = 0

    def flush(batch):
        nonlocal candidates
        base = len(sigs)
        with ph("minhash"):
            mhs = RMinHash.from_token_sets(batch, num_perm=NUM_PERM, seed=SEED)
        sigs.extend(mhs)
        with ph("lsh+verify"):
            lsh.insert_many(mhs, start_key=base)
            for off, (m, cands) in enumerate(zip(mhs, lsh.query_all(mhs))):
                i = base + off
                for j in cands:
                    if j < i:  # each pair once, from its later document
                        candidates += 1
                        if m.jaccard(sigs[j]) >= THRESHOLD:
                            pairs.append((j, i))

    batch = []
    docs = read_corpus(args.corpus)
    while True:
        with ph("read+normalize+shingle"):
            doc_id, text = next(docs, (None, None))
            if doc_id is None:
                break
            batch.append(shingles(normalize(text)))
        ids.append(doc_id)
        if len(batch) == BATCH:
            flush(batch)
            batch = []
    if batch:
        flush(batch)
    with ph("cluster+write"):
        dropped = write_duplicates(args.duplicates, ids, pairs)
    ph.report(docs=len(ids), candidates=candidates, pairs=len(pairs), dropped=dropped)


if __name__ == "__main__":
    main()
