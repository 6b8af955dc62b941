"""gaoya 0.2.2 end to end: MinHashStringIndex with its native character
shingling (analyzer="char", ngram_range=(5, 5)) and 32-bit MinHash, 16 bands
of 8 rows, jaccard_threshold=0.8. The normalized documents are inserted with
par_bulk_insert_docs and queried with par_bulk_query, which returns the
documents whose full-signature estimate is >= 0.8 (gaoya verifies candidates
itself). Both bulk calls run on one Rayon thread here (RAYON_NUM_THREADS=1).
The Python API has no query by id, so every signature is computed twice
(insert and query)."""

from common import (BANDS, ROWS, SHINGLE, THRESHOLD, Phases, normalize,
                    parse_args, read_corpus, write_duplicates)
from gaoya.minhash import MinHashStringIndex


def main():
    args = parse_args(__doc__)
    ph = Phases("gaoya")
    index = MinHashStringIndex(
        hash_size=32,
        jaccard_threshold=THRESHOLD,
        num_bands=BANDS,
        band_size=ROWS,
        analyzer="char",
        lowercase=False,  # already lower-cased by normalize()
        ngram_range=(SHINGLE, SHINGLE),
        id_container="vec",  # no removals
    )
    ids, texts = [], []
    with ph("read+normalize"):
        for doc_id, text in read_corpus(args.corpus):
            ids.append(doc_id)
            texts.append(normalize(text))
    keys = list(range(len(ids)))
    with ph("insert"):
        index.par_bulk_insert_docs(keys, texts)
    with ph("query"):
        results = index.par_bulk_query(texts)
    pairs = [(j, i) for i, similar in enumerate(results) for j in similar if j < i]
    del results, texts
    with ph("cluster+write"):
        dropped = write_duplicates(args.duplicates, ids, pairs)
    ph.report(docs=len(ids), pairs=len(pairs), dropped=dropped)


if __name__ == "__main__":
    main()
