#!/usr/bin/env bash
# Speed and quality of neardup against datasketch, rensa and gaoya, in one run.
#
#   benches/peers/run.sh [DOCS=10000] [SEED=1]
#
# Environment:
#   NEARDUP  the binary to measure (default: $REPO/target/release/neardup,
#            built with `cargo build --release` if missing)
#   TESTKIT  the corpus generator (default: $REPO/target/release/neardup-testkit,
#            built with `cargo build --release -p neardup-testkit` if missing)
#   PEERS    comma list of tools to run (default: datasketch,rensa,gaoya,neardup;
#            `neardup` runs both neardup rows)
#   REPEAT   runs of each tool; the table reports the run with the median wall time (default: 1)
#   PYTHON   interpreter that makes the virtual environment (default: python3)
#   WORK     working folder (default: benches/peers/work)
#
# Every tool runs alone, one after the other, single-threaded, under
# /usr/bin/time -v. The table goes to standard output and to
# $WORK/results.json (and $WORK/docs$DOCS-seed$SEED/results.json).
set -euo pipefail

DOCS=${1:-10000}
SEED=${2:-1}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
NEARDUP=${NEARDUP:-$REPO/target/release/neardup}
TESTKIT=${TESTKIT:-$REPO/target/release/neardup-testkit}
PEERS=${PEERS:-datasketch,rensa,gaoya,neardup}
REPEAT=${REPEAT:-1}
PYTHON=${PYTHON:-python3}
WORK=${WORK:-$HERE/work}
RUN=$WORK/docs$DOCS-seed$SEED
VENV=$HERE/.venv

# Settings shared by every tool (the peers read theirs from common.py).
THRESHOLD=0.8 NUM_PERM=128 SHINGLE=5 BANDS=16 ROWS=8

log() { printf '%s\n' "$*" >&2; }
want() { [[ ",$PEERS," == *",$1,"* ]]; }

[[ -x /usr/bin/time ]] || { log "run.sh needs GNU time at /usr/bin/time (apt-get install time)"; exit 1; }

if [[ ! -x "$NEARDUP" ]]; then
    log "== building neardup (cargo build --release)"
    (cd "$REPO" && cargo build --release)
fi
if [[ ! -x "$TESTKIT" ]]; then
    log "== building the corpus generator (cargo build --release -p neardup-testkit)"
    (cd "$REPO" && cargo build --release -p neardup-testkit)
fi

# --- the peers' virtual environment -------------------------------------------------
if want datasketch || want rensa || want gaoya; then
    if [[ ! -x "$VENV/bin/python" ]]; then
        log "== creating $VENV"
        "$PYTHON" -m venv "$VENV"
    fi
    if ! "$VENV/bin/python" - "$HERE/requirements.txt" <<'PY' 2>/dev/null
import sys
from importlib.metadata import version
for line in open(sys.argv[1]):
    line = line.split("#")[0].strip()
    if line:
        name, want = line.split("==")
        assert version(name) == want, name
PY
    then
        log "== installing the pinned peers into $VENV"
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$HERE/requirements.txt"
    fi
fi

# --- corpus --------------------------------------------------------------------------
rm -rf "$RUN"
mkdir -p "$RUN"
log "== generating $DOCS documents (seed $SEED)"
"$TESTKIT" generate --docs "$DOCS" --scripts latin --seed "$SEED" --threshold "$THRESHOLD" \
    --out "$RUN/corpus" >&2
CORPUS=$RUN/corpus/corpus.jsonl
TRUTH=$RUN/corpus/truth.jsonl

# --- single-threaded, one tool at a time -------------------------------------------
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 NUMEXPR_NUM_THREADS=1 \
    VECLIB_MAXIMUM_THREADS=1 RAYON_NUM_THREADS=1 POLARS_MAX_THREADS=1
export PYTHONDONTWRITEBYTECODE=1

TOOLS=()
measure() { # name, command...
    local name=$1; shift
    local r
    for ((r = 1; r <= REPEAT; r++)); do
        log "== $name (run $r of $REPEAT)"
        cut -d' ' -f1 /proc/loadavg > "$RUN/$name.load.$r" 2>/dev/null || true
        /usr/bin/time -v -o "$RUN/$name.time.$r" "$@" 2> "$RUN/$name.log.$r"
    done
    "$NEARDUP" eval --truth "$TRUTH" "$RUN/$name.dup.jsonl" --json > "$RUN/$name.eval.json"
    TOOLS+=("$name")
}

for peer in datasketch rensa gaoya; do
    if want "$peer"; then
        measure "$peer" "$VENV/bin/python" "$HERE/peer_$peer.py" "$CORPUS" "$RUN/$peer.dup.jsonl"
    fi
done
if want neardup; then
    ND_ARGS=(dedup "$CORPUS" -j 1 --threshold "$THRESHOLD" --num-perm "$NUM_PERM" --shingle "$SHINGLE"
             --bands "$BANDS" --rows "$ROWS" -o /dev/null -q)
    measure neardup-refine0 "$NEARDUP" "${ND_ARGS[@]}" --refine 0 \
        --duplicates "$RUN/neardup-refine0.dup.jsonl"
    measure "neardup" "$NEARDUP" "${ND_ARGS[@]}" --duplicates "$RUN/neardup.dup.jsonl"
fi

python3 "$HERE/report.py" --run "$RUN" --corpus "$CORPUS" --docs "$DOCS" --seed "$SEED" \
    --repeat "$REPEAT" --neardup "$NEARDUP" --venv "$VENV" --out "$WORK/results.json" -- "${TOOLS[@]}"
